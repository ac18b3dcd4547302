#!/usr/bin/env python3
"""Build the book's editions: see ``python build.py --help``."""

import sys

from press.cli import main

if __name__ == "__main__":
    sys.exit(main())
