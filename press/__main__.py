"""``python -m press``: the same command as ``press`` (see press.cli)."""

from .cli import console

if __name__ == "__main__":
    console()
