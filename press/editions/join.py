"""The print edition's pieces, laid out by several workers, joined into one PDF.

Takes the pieces' PDFs in page order, as WeasyPrint wrote them (each a
tagged PDF/UA-1 file of its own), and what the workers tell of them (each
page's bookmarks, the link targets that are in another piece); gives the
book's PDF, as one document would have been written (press/editions/runs.py
says why the pages are the same):

- the pages, in order, with their fonts and images (pikepdf: qpdf copies
  each foreign object once, so a page's references stay one object);
- one structure tree: the first piece's ``Document`` element holds every
  piece's elements in reading order, and the parent tree is numbered as
  WeasyPrint numbers it, the pages first, then the annotations;
- one name tree of destinations, each name from the piece that has it (a
  piece names the targets of its links into other pieces at its last page,
  so that WeasyPrint keeps the links; those stand-ins are dropped here);
- the outline, made from every page's bookmarks in order by WeasyPrint's
  own rule, so that a chapter under a part in another piece is still its child;
- the page labels, roman then arabic.

The first piece gives the rest: the catalogue's language, metadata (XMP),
mark information and viewer preferences, the output intent, /Info.
"""

from __future__ import annotations

import warnings
from pathlib import Path

SCALE = 0.75  # CSS px to PDF points, as WeasyPrint's write_pdf(zoom=1)


def join(pieces: list[Path], bookmarks: list[list[tuple]], foreign: list[set[str]], target: Path,
         body_start: int, dates: dict[str, str] | None = None) -> None:
    """``bookmarks``: for each page of the book, its height and WeasyPrint's bookmarks (``Page.bookmarks``).
    ``foreign``: for each piece, the names it holds for another piece. ``dates``: the build's
    ("created", "modified": W3C dates, as the head has them), in place of the first piece's."""
    import pikepdf

    out = pikepdf.open(pieces[0])
    others = [pikepdf.open(path) for path in pieces[1:]]
    try:
        page_entries, annotation_entries, names = _tree_of(out, out, foreign[0], 0)
        document = out.Root.StructTreeRoot.K[0]
        kids = list(document.K)  # made into one Array at the end: pikepdf's Array.append and extend copy it
        for source, stand_ins in zip(others, foreign[1:]):
            first = len(out.pages)
            with warnings.catch_warnings():  # the names are the book's, made below
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                out.pages.extend(source.pages)
            elements = source.Root.StructTreeRoot.K[0].K
            for element in elements:
                copied = out.copy_foreign(element)
                copied.P = document
                kids.append(copied)
            more_pages, more_annotations, more_names = _tree_of(source, out, stand_ins, first)
            page_entries += more_pages
            annotation_entries += more_annotations
            for name, dest in more_names.items():
                names.setdefault(name, dest)
        document.K = pikepdf.Array(kids)
        _number_parent_tree(out, page_entries, annotation_entries)
        out.Root.Names.Dests = pikepdf.Dictionary(
            Names=pikepdf.Array([item for name in sorted(names) for item in (pikepdf.String(name), names[name])]))
        _outline(out, bookmarks)
        labels = pikepdf.Array()
        if body_start > 0:
            labels.extend([0, pikepdf.Dictionary(S=pikepdf.Name.r)])
        labels.extend([body_start, pikepdf.Dictionary(S=pikepdf.Name.D)])
        out.Root.PageLabels = pikepdf.Dictionary(Nums=labels)
        _set_dates(out, dates or {})
        out.save(target, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    finally:
        for pdf in others:
            pdf.close()
        out.close()


# Where WeasyPrint writes a date: /Info as a PDF date, the XMP packet as a W3C date (pdf/metadata.py).
_INFO = {"created": "/CreationDate", "modified": "/ModDate"}
_XMP = {"created": "xmp:CreateDate", "modified": "xmp:ModifyDate"}


def _set_dates(out, dates: dict[str, str]) -> None:
    """The first piece's dates made the build's: the first piece may have been kept from an earlier build."""
    import re

    import pikepdf
    from weasyprint.pdf import _w3c_date_to_pdf  # WeasyPrint's own, as it wrote the first piece's

    for name, value in dates.items():
        if name in _INFO and _INFO[name] in out.docinfo:
            out.docinfo[_INFO[name]] = pikepdf.String(_w3c_date_to_pdf(value, name))
    if "/Metadata" not in out.Root:
        return
    packet = out.Root.Metadata.read_bytes()
    changed = packet
    for name, value in dates.items():
        tag = _XMP.get(name, "").encode()
        if tag:
            changed = re.sub(rb"(<" + tag + rb">)[^<]*(</" + tag + rb">)", rb"\g<1>" + value.encode() + rb"\g<2>",
                             changed)
    if changed != packet:
        out.Root.Metadata.write(changed)


def _tree_of(source, out, stand_ins: set[str], first: int):
    """A piece's parent-tree entries (its pages' and its annotations') and destinations, in ``out``'s objects."""
    nums = source.Root.StructTreeRoot.ParentTree.Nums
    count = len(source.pages)
    pages, annotations = [], []
    for i in range(0, len(nums), 2):
        key, value = int(nums[i]), nums[i + 1]
        value = value if source is out else _foreign(out, value)
        if key < count:
            pages.append((first + key, value))
        else:
            annotations.append((key - count, value))
    names = {}
    listed = source.Root.Names.Dests.Names if "/Names" in source.Root and "/Dests" in source.Root.Names else []
    for i in range(0, len(listed), 2):
        name = str(listed[i])
        if name not in stand_ins:
            names[name] = listed[i + 1] if source is out else _foreign(out, listed[i + 1])
    return pages, [value for _, value in sorted(annotations, key=lambda item: item[0])], names


def _foreign(out, value):
    """``value`` of another PDF in ``out``: its indirect objects copied once (qpdf keeps the map)."""
    import pikepdf

    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_foreign(out, item) for item in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _foreign(out, item) for key, item in value.items()})
    return value


def _number_parent_tree(out, pages: list, annotations: list) -> None:
    """Pages 0..n-1, then the annotations from n, as WeasyPrint numbers one document's (pdf/tags.py)."""
    import pikepdf

    nums = []  # made into one Array at the end, as the Document's kids
    for index, (key, value) in enumerate(sorted(pages, key=lambda item: item[0])):
        nums += [index, value]
        out.pages[key].obj.StructParents = index
    start = len(out.pages)
    for index, annotation in enumerate(annotations, start=start):
        nums += [index, annotation]
        annotation.StructParent = index
    out.Root.StructTreeRoot.ParentTree.Nums = pikepdf.Array(nums)


def _outline(out, bookmarks: list[list[tuple]]) -> None:
    """The outline of every page's bookmarks, nested by WeasyPrint's rule, written as its add_outlines writes it."""
    import pikepdf
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    class _Page:  # what make_page_bookmark_tree reads of a page
        def __init__(self, marks):
            self.bookmarks = marks

    root, skipped, previous = [], [], 0
    last_by_depth = [root]
    for number, (height, marks) in enumerate(bookmarks):
        matrix = Matrix(a=SCALE, d=-SCALE, f=height * SCALE)
        previous = make_page_bookmark_tree(_Page(marks), skipped, last_by_depth, previous, number, matrix)
    if "/Outlines" in out.Root:
        del out.Root.Outlines
    if not root:
        return

    def items(tree, parent):
        made, count = [], len(tree)
        for title, (page, x, y), children, state in tree:
            item = out.make_indirect(pikepdf.Dictionary(
                Title=pikepdf.String(title), Dest=pikepdf.Array([out.pages[page].obj, pikepdf.Name.XYZ, x, y, 0])))
            kids, kid_count = items(children, item)
            item.Count = -kid_count if state == "closed" else kid_count
            if state != "closed":
                count += kid_count
            if made:
                item.Prev = made[-1]
                made[-1].Next = item
            if kids:
                item.First, item.Last = kids[0], kids[-1]
            item.Parent = parent
            made.append(item)
        return made, count

    outlines = out.make_indirect(pikepdf.Dictionary())
    made, count = items(root, outlines)
    outlines.Count, outlines.First, outlines.Last = count, made[0], made[-1]
    out.Root.Outlines = outlines
