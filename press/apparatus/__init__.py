"""Stage 4, the apparatus: the index, the bibliography, the chronology and
the note on the text, built from the collected book as model objects;
the editions render them."""
