"""The citer (press.book.citations) on one unit's AST: what each citation becomes, and
ids in reading order, wherever the citation is (in a link, in another citation)."""

from __future__ import annotations

from press.book.ast import iter_nodes, stringify
from press.book.citations import Citer, Library, pandoc_cites
from press.book.convert import Pandoc, parse_markdown


def test_citations_in_links_and_in_citations_get_ids_in_reading_order():
    library = Library("references.yaml", None, None, {"a": "", "b": "", "c": ""}, {"a": 1, "b": 2, "c": 3})
    source = ("The [treaty [of 1883]{.cite key=b}]{.cite key=a} and [the [law]{.cite key=c}](https://x.org) "
              "[see @a; @b], [lost]{.cite key=nope}, [again]{.cite key=c}.")
    blocks = parse_markdown(Pandoc(None), source, "t")["blocks"]
    citer = Citer(library)
    cited, citations = citer.cite_unit(blocks, "u", "01.md", lambda needle: 7)
    spans = [n for n in iter_nodes(cited) if n["t"] == "Span" and "citation" in n["c"][0][1]]
    shape = [(s["c"][0][0], stringify(s), [n["t"] for n in s["c"][1]]) for s in spans]
    assert shape == [
        ("cite-u-1", "treaty of 1883", ["Link"]),  # the outer citation: a link to its entry
        ("cite-u-2", "of 1883", ["Str", "Space", "Str"]),  # inside it: an anchor, no link in a link
        ("cite-u-3", "law", ["Str"]),  # in the author's link: an anchor
        ("cite-u-4", "[see @a; @b]", ["Cite"]),  # pandoc's syntax: two keys, the span has the first id
        ("", "lost", ["Str"]),  # no such entry: no id, no link
        ("cite-u-6", "again", ["Link"]),
    ]
    assert citations.cited == [("a", "cite-u-1", "u"), ("b", "cite-u-2", "u"), ("c", "cite-u-3", "u"),
                               ("a", "cite-u-4", "u"), ("b", "cite-u-5", "u"), ("c", "cite-u-6", "u")]
    assert [p.message for p in citations.problems] == ["citation of 'nope': no such entry in references.yaml"]
    assert citations.pandoc == pandoc_cites(cited) and len(citations.pandoc) == 1
    assert spans[0]["c"][1][0]["c"][2][0] == "#ref-a"
    assert not any(n["t"] == "Span" and "citation" in n["c"][0][1] for n in iter_nodes(blocks))  # input kept
