"""The AST helpers: ``rewrite`` gives what a plain recursive rewrite of a
deep copy gives, without changing its input."""

from __future__ import annotations

import json

from press.book import transform
from press.book.ast import Str, clone, iter_nodes, rewrite
from press.book.collect import collect
from press.source.config import Paths, load_config
from press.book.convert import Pandoc
from press.session import Session
from press.source.chapters import read_chapters

from .conftest import WHOLE, copy_book


def reference(value, action):
    """The plain definition, as a test oracle: rewrite ``value`` in place, bottom-up."""
    if isinstance(value, list):
        out = []
        for item in value:
            item = reference(item, action)
            replacement = action(item) if isinstance(item, dict) and "t" in item else None
            out.extend([item] if replacement is None else replacement)
        return out
    if isinstance(value, dict):
        for key in ("c", "blocks"):
            if key in value:
                value[key] = reference(value[key], action)
    return value


def upper_emph(node):
    """Emph becomes its text upper-cased; Space is deleted; the rest is kept."""
    if node["t"] == "Emph":
        return [Str("".join(n["c"] for n in node["c"] if n["t"] == "Str").upper())]
    if node["t"] == "Space":
        return []
    return None


def tree():
    para = {"t": "Para", "c": [{"t": "Str", "c": "a"}, {"t": "Space"}, {"t": "Emph", "c": [{"t": "Str", "c": "b"}]}]}
    untouched = {"t": "Para", "c": [{"t": "Str", "c": "c"}]}
    quote = {"t": "BlockQuote", "c": [untouched]}
    table_like = {"t": "Div", "c": [["id", [], []], [[{"t": "Plain", "c": [{"t": "Space"}]}]]]}
    return [para, quote, table_like]


def test_rewrite_gives_what_the_plain_definition_gives_and_leaves_its_input_alone():
    blocks = tree()
    before = json.dumps(blocks)
    rewritten = rewrite(blocks, upper_emph)
    assert json.dumps(blocks) == before
    assert rewritten == reference(clone(blocks), upper_emph)
    assert rewritten[0]["c"] == [{"t": "Str", "c": "a"}, {"t": "Str", "c": "B"}]
    assert rewritten[2]["c"][1] == [[{"t": "Plain", "c": []}]]  # a change in a list of lists


def test_rewrite_shares_what_it_does_not_change():
    blocks = tree()
    rewritten = rewrite(blocks, upper_emph)
    assert rewritten is not blocks and rewritten[0] is not blocks[0]
    assert rewritten[1] is blocks[1]  # nothing to change under the quote: the same object
    assert rewritten[2]["c"][0] is blocks[2]["c"][0]  # the changed Div's attributes are shared
    nothing = [blocks[1]]
    assert rewrite(nothing, upper_emph) is nothing


def test_notes_inline_on_the_whole_book_is_the_plain_rewrite_of_a_copy(tmp_path):
    """The units' notes as inline spans: the same AST as the plain rewrite of
    a deep copy (how it was made before), and the units' own ASTs are not changed."""
    paths = Paths(copy_book(WHOLE, tmp_path))
    session = Session()
    book = collect(paths, load_config(paths), read_chapters(paths, session), Pandoc(None), session)
    notes = 0
    for unit in book.units:
        before = json.dumps(unit.ast)
        inline = transform.notes_inline(unit.ast["blocks"])
        assert inline == reference(clone(unit.ast["blocks"]), transform.note_span)
        assert json.dumps(unit.ast) == before, unit.slug
        notes += json.dumps(inline).count('"footnote"')
    assert notes >= 1, "the whole book has notes: this test would prove nothing"


def test_rewrite_skips_what_it_is_told_not_to_look_into():
    """``skip``: the node is still given to the action, its children are not."""
    blocks = tree()
    seen = []

    def action(node):
        seen.append(node["t"])
        return upper_emph(node)

    rewritten = rewrite(blocks, action, skip=lambda node: node["t"] == "BlockQuote")
    assert "BlockQuote" in seen and seen.count("Para") == 1  # the quote's paragraph is not visited
    assert rewritten[1] is blocks[1]
    assert rewritten[0]["c"] == [{"t": "Str", "c": "a"}, {"t": "Str", "c": "B"}]


def test_rewrite_with_context_gives_each_node_the_elements_that_hold_it():
    inner = {"t": "Str", "c": "x"}
    link = {"t": "Link", "c": [["", [], []], [{"t": "Emph", "c": [inner]}], ["#a", ""]]}
    blocks = [{"t": "Para", "c": [link, {"t": "Str", "c": "y"}]}]
    held: dict[str, list[str]] = {}

    def action(node, ancestors):
        if node["t"] == "Str":
            held[node["c"]] = [a["t"] for a in ancestors]
        return None

    assert rewrite(blocks, action, context=True) is blocks
    assert held == {"x": ["Para", "Link", "Emph"], "y": ["Para"]}


def test_iter_nodes_in_reading_order_and_skipping():
    note = {"t": "Note", "c": [{"t": "Para", "c": [{"t": "Str", "c": "n"}]}]}
    blocks = [{"t": "Para", "c": [{"t": "Str", "c": "a"}, note, {"t": "Str", "c": "b"}]}]
    assert [n["c"] for n in iter_nodes(blocks) if n["t"] == "Str"] == ["a", "n", "b"]
    assert [n["t"] for n in iter_nodes(blocks, skip=lambda n: n["t"] == "Note")] == ["Para", "Str", "Note", "Str"]
