"""The commands around the build: proof, watch, check, release, the
printer's files, a new book. Each module has ``add_arguments(parser, name)``
and ``run(args, progress) -> int``, and asks the pipeline for what it needs
(press.pipeline.run) instead of building on its own."""
