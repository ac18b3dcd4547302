"""press: the publishing pipeline that turns content/ into HTML, PDF and EPUB editions."""
