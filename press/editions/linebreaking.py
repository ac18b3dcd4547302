"""A WeasyPrint line-breaking fault, mended in our print layouts until WeasyPrint mends it.

WeasyPrint 70's ``split_first_line`` measures a run of text with its
trailing space. A run that ends in a space because an inline element
follows it (emphasis, a link, a formula) and fits the line only without
that space is taken for one that cannot be broken earlier, and is broken
after its first word: "each" alone on a line, the rest on the next
(tests/test_d2l.py pins the fault in WeasyPrint itself). Where the run
without its trailing spaces fits whole, it is laid out whole, as pandoc's
browsers and WeasyPrint's own step for runs without the space do.
"""

from __future__ import annotations

from math import inf

def mend() -> None:
    """Wrap WeasyPrint's text splitter for inline layout (once per process: the wrapper says so)."""
    from weasyprint.layout import inline

    original = inline.split_first_line
    if getattr(original, "mended", False):
        return

    def split_first_line(text, style, context, max_width, justification_spacing, is_line_start=True,
                         minimum=False):
        result = original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        if (result[2] is None or max_width is None or minimum or not text.endswith(" ")
                or style["white_space"] not in ("normal", "pre-line")):
            return result
        stripped = text.rstrip(" ")
        whole = original(stripped, style, context, max_width, justification_spacing, is_line_start, minimum)
        if stripped and whole[2] is None and whole[3] <= max_width:
            return original(text, style, context, inf, justification_spacing, is_line_start, minimum)
        return result

    split_first_line.mended = True
    inline.split_first_line = split_first_line
