"""The first stages every command shares: check the tools, read the book,
convert and collect it. The build (press.pipeline) interleaves them with its
print worker; the proof and the printer's files take them in one go."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Paths
from .progress import Progress


@dataclass
class Prepared:
    config: object  # schema.BookConfig
    pandoc: object  # convert.Pandoc
    book: object  # model.Book
    session: object  # session.Session: the stages after these take it too


def prepare(paths: Paths, progress: Progress) -> Prepared:
    from .collect import collect
    from .config import load_config
    from .convert import Pandoc
    from .session import Session
    from .sources import read_chapters
    from .tools import check_pango, pandoc_version

    with progress.stage("check tools"):
        pandoc_version()
        check_pango()
    with progress.stage("read and collect"):
        config = load_config(paths)
        session = Session.for_book(paths.root)
        pandoc = Pandoc(session.folder("pandoc"))
        book = collect(paths, config, read_chapters(paths, session), pandoc, session)
    return Prepared(config, pandoc, book, session)
