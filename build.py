#!/usr/bin/env python3
"""Build the book's editions: see ``python build.py --help``."""

import os
import sys

from press.cli import main

if __name__ == "__main__":
    code = main()
    # Every file is written and closed by now (each stage cleans up after
    # itself). Tearing the interpreter down would free the book and
    # WeasyPrint's and PDFium's objects one by one: a quarter of a second of
    # every build (bench/), for nothing. So the process ends here, unless a
    # profiler or a coverage tracer is watching: they write at exit.
    if sys.getprofile() is None and sys.gettrace() is None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
