"""Stages 2 and 3, convert and collect: every chapter body parsed once by
pandoc into the AST every edition shares, the typography and the phrases
(titles, captions, events) read with the same dialect, and the whole book
collected into one model (units, headings, index marks, citations,
locators) before anything is written."""
