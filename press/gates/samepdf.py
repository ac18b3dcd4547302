"""Whether two PDFs of a book are the same book: the print layout in runs
against one document (press/editions/runs.py), for the tests and the benchmark.

Takes two PDF files; gives their differences, in words, the first few of
each kind. Read with pypdf, as a reader or an assistive technology reads
them, not as bytes (the fonts are subset once per piece):

- every page's text, each run of it at its position (to a hundredth of a point);
- the page labels;
- the outline: each entry's depth, title, page and position;
- the links: each one's page, rectangle and where it goes (the page and
  position of its named destination, or its URI);
- the named destinations;
- the document's metadata (/Info and XMP: title, authors, dates...);
- the structure tree, in reading order: each element's type, page, language
  and alternative texts, and its marked content (each MCID at its page) and
  annotations; and the parent tree, page by page.
"""

from __future__ import annotations

from pathlib import Path

SHOWN = 5  # differences shown of each kind


def facts(path: Path) -> dict[str, list]:
    """What is compared, of one PDF."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    out: dict[str, list] = {"page count": [len(reader.pages)], "page labels": list(reader.page_labels)}
    out["text"] = [_text(page) for page in reader.pages]
    out["outline"] = list(_outline(reader, reader.outline, 0))
    named = reader.named_destinations
    out["named destinations"] = sorted((name, _where(reader, dest)) for name, dest in named.items())
    links = []
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            rect = tuple(round(float(v), 2) for v in annotation["/Rect"])
            if "/Dest" in annotation:
                dest = str(annotation["/Dest"])
                links.append((index, rect, dest, _where(reader, named[dest]) if dest in named else None))
            else:
                action = annotation.get("/A", {})
                links.append((index, rect, str(action.get("/URI", action.get("/S"))), None))
    out["links"] = links
    root = reader.trailer["/Root"]
    tree = root.get("/StructTreeRoot")
    out["structure tree"] = list(_elements(tree.get_object()["/K"], pages, 0)) if tree is not None else []
    parent = []
    if tree is not None:
        nums = tree.get_object()["/ParentTree"].get_object()["/Nums"]
        for i in range(0, len(nums), 2):
            value = nums[i + 1].get_object()
            kinds = [str(item.get_object().get("/S")) for item in value] if isinstance(value, list) else \
                [str(value.get("/Subtype"))]
            parent.append((int(nums[i]), kinds))
    out["parent tree"] = parent
    out["page structparents"] = [page.get("/StructParents") for page in reader.pages]
    out["catalogue"] = [(key, str(root[key])) for key in ("/Lang", "/MarkInfo", "/ViewerPreferences") if key in root]
    info = reader.metadata or {}
    out["metadata"] = sorted((str(key), str(value)) for key, value in info.items())
    xmp = root.get("/Metadata")
    out["XMP metadata"] = _xmp(xmp.get_object().get_data()) if xmp is not None else []
    return out


def _xmp(data: bytes) -> list[tuple]:
    """An XMP packet's elements, in order (tag, attributes, text): what it says, not how it is spelt
    (pikepdf writes the packet's wrapper and empty elements another way than WeasyPrint)."""
    from xml.etree import ElementTree

    text = data.decode("utf-8", "replace")
    start, end = text.find("<x:xmpmeta"), text.rfind("</x:xmpmeta>")
    if start < 0 or end < 0:
        return [text]
    root = ElementTree.fromstring(text[start:end + len("</x:xmpmeta>")])
    return [(element.tag, sorted(element.attrib.items()), (element.text or "").strip()) for element in root.iter()]


def _text(page) -> list[tuple]:
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((round(x, 2), round(y, 2), text))

    page.extract_text(visitor_text=visit)
    return runs


def _where(reader, dest) -> tuple:
    try:
        number = reader.get_destination_page_number(dest)
    except Exception:  # noqa: BLE001 - a destination that names no page is itself the finding
        number = None
    left = dest.get("/Left") if hasattr(dest, "get") else None
    top = dest.get("/Top") if hasattr(dest, "get") else None
    return number, round(float(left), 2) if left is not None else None, round(float(top), 2) if top is not None else None


def _outline(reader, items, depth):
    for item in items:
        if isinstance(item, list):
            yield from _outline(reader, item, depth + 1)
        else:
            yield (depth, str(item.title), _where(reader, item))


def _elements(kids, pages, depth):
    from pypdf.generic import ArrayObject, DictionaryObject

    kids = kids.get_object()
    if not isinstance(kids, ArrayObject):
        kids = [kids]
    for kid in kids:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, DictionaryObject):
            kind = kid.get("/Type")
            if kind == "/MCR":
                yield (depth, "MCR", int(kid["/MCID"]), pages.get(kid.raw_get("/Pg").idnum) if "/Pg" in kid else None)
            elif kind == "/OBJR":
                annotation = kid["/Obj"].get_object()
                yield (depth, "OBJR", str(annotation.get("/Subtype")),
                       tuple(round(float(v), 2) for v in annotation.get("/Rect", [])))
            else:
                page = pages.get(kid.raw_get("/Pg").idnum) if "/Pg" in kid else None
                yield (depth, str(kid.get("/S")), page, str(kid.get("/Lang", "")), str(kid.get("/Alt", "")),
                       str(kid.get("/ActualText", "")))
                if "/K" in kid:
                    yield from _elements(kid["/K"], pages, depth + 1)
        else:
            yield (depth, "MCID", int(kid))


def differences(one: Path, other: Path) -> list[str]:
    """How ``other`` differs from ``one``: a line per difference (at most SHOWN of each kind); [] when the same."""
    a, b = facts(one), facts(other)
    found = []
    for kind in a:
        left, right = a[kind], b[kind]
        if left == right:
            continue
        shown = 0
        for index in range(max(len(left), len(right))):
            x = left[index] if index < len(left) else "(none)"
            y = right[index] if index < len(right) else "(none)"
            if x != y:
                found.append(f"{kind} [{index}]: {str(x)[:300]} | {str(y)[:300]}")
                shown += 1
                if shown == SHOWN:
                    break
        if len(left) != len(right):
            found.append(f"{kind}: {len(left)} against {len(right)}")
    return found


def counts(path: Path) -> dict[str, int]:
    """How much was compared: pages, text runs, outline entries, links, destinations, structure elements."""
    f = facts(path)
    return {"pages": f["page count"][0], "text runs": sum(map(len, f["text"])), "outline entries": len(f["outline"]),
            "links": len(f["links"]), "named destinations": len(f["named destinations"]),
            "structure elements": len(f["structure tree"])}
