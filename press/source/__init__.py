"""Stage 1, configure and read: book.yaml into a validated BookConfig, the
chapters' front matter and bodies into Chapter records, with the line of
every value for errors; the book's paths (its own files first, then the
toolchain's)."""
