"""The work-arounds in press/upstream.py change how long a tool takes, not what it writes."""

from __future__ import annotations

import io

import pydyf
import pytest
from pypdf import PdfReader
from weasyprint import HTML

from press import upstream

# Enough pages and tagged elements (headings, paragraphs, links across pages,
# a list) for every path of WeasyPrint's tagging that reads page references.
DOCUMENT = "<html lang='en'><head><title>t</title><style>@page { size: A6 } h2 { break-before: page }</style></head><body>" + "".join(
    f"<h2 id='s{i}'>Section {i}</h2><p>Text of section {i}, see <a href='#s{(i + 7) % 30}'>section {(i + 7) % 30}</a>.</p>"
    f"<ul><li>One {i}</li><li>Two {i}</li></ul>"
    for i in range(30)
) + "</body></html>"


def write(page_references: property, monkeypatch) -> bytes:
    monkeypatch.setattr(pydyf.PDF, "page_references", page_references)
    return HTML(string=DOCUMENT).write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=None)


def test_tagged_pdf_is_byte_identical_with_the_cached_page_references(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1612137600")
    upstream.apply()
    if not upstream._installed(pydyf):
        pytest.fail(f"pydyf {pydyf.__version__} is not one the work-around was checked for: check "
                    "PDF.page_references and update PYDYF_VERSIONS (or drop the work-around)")
    fixed = write(property(upstream.cached_page_references), monkeypatch)
    plain = write(upstream.original("page_references"), monkeypatch)
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(fixed)).trailer["/Root"]  # tagged: the path that reads them
    assert fixed == plain


def test_cached_page_references_follow_added_pages():
    pdf = pydyf.PDF()
    original = upstream.original("page_references").fget
    for _ in range(5):
        assert upstream.cached_page_references(pdf) == original(pdf)
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(upstream.cached_page_references(pdf)) == 5


def test_the_print_edition_writes_with_the_work_around(tmp_path, monkeypatch):
    from press.editions.layout import PrintLayout, write_pdf

    monkeypatch.setattr(pydyf.PDF, "page_references", upstream.original("page_references"))
    assert not upstream._installed(pydyf)
    document = HTML(string=DOCUMENT).render(pdf_variant="pdf/ua-1")
    write_pdf(document, tmp_path / "book.pdf", PrintLayout(len(document.pages), 0, {}))
    assert upstream._installed(pydyf)
    assert (tmp_path / "book.pdf").read_bytes().startswith(b"%PDF-")
