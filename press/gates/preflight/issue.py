"""What a preflight check finds: an ``Issue`` (its class, the message, and
where: a page of the PDF, or a file and line of the source). Every check
module returns a list of them; press.gates.preflight turns them into
findings of the severity its table gives."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """What one check found: its class, the message, and where."""

    kind: str
    message: str
    page: int | None = None  # 1-based page of the file, for a PDF
    path: str | None = None  # the file, when not the PDF the check was given
    line: int | None = None
    trace: str | tuple[str, ...] = ""  # printed text to look for in the source (best first), to name its line
