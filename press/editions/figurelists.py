"""The lists of figures and of tables (issue 17), as every edition shows them.

book.yaml's ``figures.list_of_figures`` and ``figures.list_of_tables`` ask
for them; press.book.figures keeps each captioned figure and table as an
``Entry`` (its id, label and caption). Print sets the lists after the
contents, each entry with the folio of the page its figure is on (the
contents' page slots, press.editions.layout); the web edition gives them on
its home page under the contents, linked; the EPUB in its navigation
document, as ``lof`` and ``lot`` navs (EPUB 3 Structural Semantics).
"""

from __future__ import annotations

from lxml import etree

KINDS = (("Figure", "list_of_figures", "list-of-figures", "lof"),
         ("Table", "list_of_tables", "list-of-tables", "lot"))


def figure_lists(book) -> list[dict]:
    """The lists the book asks for and has entries for: id, title, epub type, entries (with their units)."""
    numbering = getattr(book, "numbering", None)
    if numbering is None:
        return []
    out = []
    for kind, setting, ident, epub_type in KINDS:
        entries = [e for e in numbering.entries if e.kind == kind]
        if entries and getattr(book.config.figures, setting):
            out.append({"id": ident, "title": book.strings[setting], "epub_type": epub_type,
                        "entries": [{"id": e.id, "label": e.label, "caption": e.caption, "unit": book.units[e.unit]}
                                    for e in entries]})
    return out


def add_to_nav(root, book, ids: dict[str, str], namespaces: dict[str, str]) -> None:
    """The lists as navs of the EPUB's navigation document, after its contents (``ids``: id -> file)."""
    x, epub = namespaces["x"], namespaces["epub"]
    body = root.find(f"{{{x}}}body")
    toc = root.find(f".//{{{x}}}nav[@id='toc']")
    position = list(body).index(toc) + 1 if toc is not None and toc.getparent() is body else len(body)
    for listing in figure_lists(book):
        # each nav labelled by its heading: a landmark must be told apart from the others (Ace)
        nav = etree.Element(f"{{{x}}}nav", {f"{{{epub}}}type": listing["epub_type"], "id": listing["id"],
                                            "aria-labelledby": f"{listing['id']}-title"})
        etree.SubElement(nav, f"{{{x}}}h2", {"id": f"{listing['id']}-title"}).text = listing["title"]
        ol = etree.SubElement(nav, f"{{{x}}}ol", {"class": "figure-list"})
        for entry in listing["entries"]:
            if entry["id"] not in ids:
                continue
            link = etree.SubElement(etree.SubElement(ol, f"{{{x}}}li"), f"{{{x}}}a",
                                    href=f"{ids[entry['id']]}#{entry['id']}")
            link.text = f"{entry['label']} {entry['caption']}"
        nav.tail = "\n"
        body.insert(position, nav)
        position += 1
