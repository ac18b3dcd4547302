"""Work-arounds for known problems in the pinned tools, each to go when fixed upstream.

Each one changes how long a tool takes, never what it writes: the tests
compare the bytes written with and without it (tests/test_upstream.py).
"""

from __future__ import annotations

# pydyf 0.13.0's ``PDF.page_references`` builds a new tuple of every page's
# reference each time it is read, and WeasyPrint 70's tagging (pdf/ua-1,
# weasyprint/pdf/tags.py) reads it once per tagged element to take one
# item: time grows with elements × pages. On a 1,000-page book that is most
# of the cost of tagging (22 s of writing instead of 12 s in bench/). The
# tuple only changes when a page is added, so it is kept until then.
PYDYF_VERSIONS = {"0.13.0"}  # checked: the property is as described above


def cached_page_references(self) -> tuple[bytes, ...]:
    kids = self.pages["Kids"]
    cached = self.__dict__.get("_press_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        self.__dict__["_press_page_references"] = cached
    return cached[1]


_ORIGINALS: dict[str, property] = {}


def apply() -> None:
    """Install the work-arounds that apply to the installed versions (idempotent)."""
    import pydyf

    if pydyf.__version__ in PYDYF_VERSIONS and not _installed(pydyf):
        _ORIGINALS.setdefault("page_references", pydyf.PDF.__dict__["page_references"])
        pydyf.PDF.page_references = property(cached_page_references)


def original(name: str) -> property:
    """The tool's own definition, for the tests that compare."""
    import pydyf

    return _ORIGINALS.get(name) or pydyf.PDF.__dict__[name]


def _installed(pydyf) -> bool:
    prop = pydyf.PDF.__dict__.get("page_references")
    return isinstance(prop, property) and prop.fget is cached_page_references
