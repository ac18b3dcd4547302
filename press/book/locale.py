"""Locale files: the interface words of the editions in the book's language.

The toolchain ships ``templates/locale/<language>.yaml`` (``en``, ``es``,
``fr``); ``en.yaml`` is the reference that names every key. A book in a
language is given that language's file, merged key by key from the least
to the most particular: the toolchain's base language (``es``), its region
(``es-PE``), then the book's own files of the same names, so that a book's
``templates/locale/es.yaml`` may hold only the keys it changes (one word of
``epub_accessibility`` as well as ``contents``). A language the toolchain has
no file for needs a complete file in the book.

Nothing falls back to English: a key that no file of the language gives, a
key ``en.yaml`` does not know (a typo), a value of the wrong shape, or a
string whose ``{placeholders}`` are not the English one's is a content
error naming the file and, where it can, the line.
"""

from __future__ import annotations

import re
from typing import Any

from . import htmlpolicy
from ..errors import ContentError, Problem, did_you_mean
from ..source.config import Paths, load_yaml
from ..source.yamlsrc import Located

REFERENCE = "en"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def language_names(language: str) -> list[str]:
    """The locale file names for a language tag, least particular first: es-PE -> es, es-PE."""
    base = language.split("-")[0]
    return [base] if base == language else [base, language]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def load_strings(paths: Paths, language: str, config_shown: str = "content/book.yaml") -> dict:
    """Interface words ("Contents", "Index") in the book's language, complete, or a ContentError."""
    toolchain = paths.assets / "templates" / "locale"
    reference = load_yaml(toolchain / f"{REFERENCE}.yaml", paths.show(toolchain / f"{REFERENCE}.yaml")).data
    files = [layer / "locale" / f"{name}.yaml" for layer in reversed(paths.template_dirs)
             for name in language_names(language)]
    files = [f for f in dict.fromkeys(files) if f.is_file()]
    if not files:
        names = language_names(language)
        raise ContentError([Problem(config_shown, None,
                                    f"the toolchain has no locale file for language '{language}'; write "
                                    f"templates/locale/{names[-1]}.yaml in the book's folder with every key of "
                                    f"{paths.show(toolchain / 'en.yaml')}, in that language")])
    merged: dict = {}
    problems: list[Problem] = []
    for path in files:
        shown = paths.show(path)
        located = load_yaml(path, shown)
        if not isinstance(located.data, dict):
            problems.append(Problem(shown, None, "a locale file is a mapping of keys to words; "
                                                 f"write it as {paths.show(toolchain / 'en.yaml')} is"))
            continue
        problems += _check(located.data, reference, located, shown, ())
        _merge(merged, located.data)
    if not problems:
        problems = [Problem(paths.show(files[-1]), None, f"key '{key}' is missing (English: {english!r}); "
                            f"add it in the book's language") for key, english in _missing(merged, reference, ())]
    if problems:
        raise ContentError(problems)
    return merged


def _check(data: dict, reference: dict, located: Located, shown: str, where: tuple) -> list[Problem]:
    """Unknown keys, values of the wrong shape and changed placeholders in one file's ``data``."""
    out = []
    for key, value in data.items():
        here = (*where, key)
        name = ".".join(map(str, here))
        line = located.line_of(here)
        if key not in reference:
            out.append(Problem(shown, line, f"unknown key '{name}'{did_you_mean(str(key), reference)}; "
                                            f"the keys are those of templates/locale/{REFERENCE}.yaml"))
            continue
        english = reference[key]
        if isinstance(english, dict):
            if isinstance(value, dict):
                out += _check(value, english, located, shown, here)
            else:
                out.append(Problem(shown, line, f"'{name}' is a mapping of {', '.join(english)}; write it so"))
        elif isinstance(english, list):
            if not isinstance(value, list) or len(value) != len(english) or not all(isinstance(v, str) for v in value):
                out.append(Problem(shown, line, f"'{name}' is a list of {len(english)} strings; write it so"))
            else:
                out += [Problem(shown, located.line_of((*here, i)),
                                f"'{name}' holds raw HTML that is not allowed: {reason}; "
                                "interface words are plain text: remove it")
                        for i, v in enumerate(value) for reason in htmlpolicy.fragment_problems(v)]
        elif not isinstance(value, str):
            out.append(Problem(shown, line, f"'{name}' is a string; put it in double quotes"))
        elif reasons := htmlpolicy.fragment_problems(value):  # issue 19: one HTML policy for all text
            out += [Problem(shown, line, f"'{name}' holds raw HTML that is not allowed: {reason}; "
                                         "interface words are plain text: remove it") for reason in reasons]
        elif placeholders(value) != placeholders(english):
            out.append(Problem(shown, line, f"'{name}' must hold the placeholders "
                                            f"{', '.join(sorted('{' + p + '}' for p in placeholders(english))) or 'none'}"
                                            f" (English: {english!r}); the build fills them in"))
    return out


def _merge(into: dict, data: dict) -> None:
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _missing(data: dict, reference: dict, where: tuple):
    for key, english in reference.items():
        name = ".".join(map(str, (*where, key)))
        if key not in data:
            yield name, english
        elif isinstance(english, dict) and isinstance(data[key], dict):
            yield from _missing(data[key], english, (*where, key))


def other_locales(paths: Paths, language: str) -> dict[str, dict]:
    """The quotation marks and punctuation spacing of every other language a locale file is
    found for (the book's own, then the toolchain's), by file name: for passages tagged with it."""
    base = language.split("-")[0]
    out: dict[str, dict] = {}
    for layer in paths.template_dirs:  # the book's first
        folder = layer / "locale"
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
            if path.stem.split("-")[0] == base or path.stem in out:
                continue
            data = load_yaml(path, paths.show(path)).data or {}
            out[path.stem] = {k: data[k] for k in ("quotes", "punctuation_space") if k in data}
    return out
