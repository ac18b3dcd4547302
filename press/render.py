"""Render: Jinja2 turns the book model into HTML (autoescape on, StrictUndefined)."""

from __future__ import annotations

import datetime as dt
import os

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .collect import inline_markdown
from .config import Paths
from .model import Book


def build_date() -> dt.datetime:
    """The build's date: ``SOURCE_DATE_EPOCH`` when set, so builds reproduce."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
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
    env.filters["md"] = inline_markdown
    env.filters["join_names"] = join_names
    return env


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
    return {
        "config": config,
        "t": strings,
        "authors": join_names([a.name for a in config.authors], strings.get("and", "and")),
        "built": build_date(),
    }
