"""Render: Jinja2 turns the book model into HTML (autoescape on, StrictUndefined)."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from markupsafe import Markup

from ..source.config import Paths
from ..source.epoch import epoch
from ..book.model import Book


def build_date() -> dt.datetime:
    """The build's date: ``SOURCE_DATE_EPOCH`` when set, so builds reproduce."""
    seconds = epoch()
    if seconds is not None:
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    return dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)


def environment(paths: Paths) -> Environment:
    env = Environment(
        # The book's templates/ first, then the toolchain's: a book overrides one file.
        loader=FileSystemLoader([str(d) for d in paths.template_dirs]),
        autoescape=select_autoescape(["html", "xhtml", "svg", "xml", "j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown
    env.filters["plain"] = plain
    env.filters["join_names"] = join_names
    env.filters["sentence"] = sentence
    return env


def sentence(text: str) -> str:
    """``text`` opening a sentence: its first letter a capital, the rest as written
    (Jinja's ``capitalize`` would lower the rest: "véase también EE. UU.")."""
    return text[:1].upper() + text[1:]


def _phrase(context, text: str):
    """A phrase of the book, rendered with the rest (press.book.phrases): looked up in
    the typeset words (``t``) that every template of the editions is given.
    Pages made outside a build (the proof's own pages) render theirs now."""
    words = context.get("t")
    phrases = getattr(words, "phrases", None)
    if phrases is not None:
        return phrases.get(text)
    from ..book.convert import Pandoc
    from ..book.phrases import render_one

    return render_one(Pandoc(None), text)


@pass_context
def markdown(context, text: str | None) -> Markup:
    """``{{ value|md }}``: a phrase of the source as HTML (pandoc's Markdown, the body's typography)."""
    return Markup("") if text is None else _phrase(context, text).html


@pass_context
def plain(context, text: str | None) -> str:
    """``{{ value|plain }}``: a phrase's plain text, for titles, attributes and metadata."""
    return "" if text is None else _phrase(context, text).text


def join_names(names: list[str], word: str = "and") -> Markup:
    names = [Markup.escape(n) for n in names]
    if len(names) <= 1:
        return Markup("").join(names)
    return Markup(", ").join(names[:-1]) + Markup(f" {Markup.escape(word)} ") + names[-1]


def context(book: Book, **extra) -> dict:
    """What every template sees."""
    return {"book": book, **config_context(book.config, book.strings), **extra}


def config_context(config, strings: dict) -> dict:
    """What a template made from book.yaml alone sees (the cover)."""
    phrases = getattr(strings, "phrases", None)  # press.book.phrases.Words; plain words outside a build
    names = [phrases.html(a.name) if phrases is not None else a.name for a in config.authors]
    return {
        "config": config,
        "t": strings,
        "authors": join_names(names, strings["and"]),
        "built": build_date(),
    }
