"""Ingestion: a folder of articles (.txt, .md, .html, .json, .jsonl) → clean :class:`Document`s + a manifest.

One module per job, each importing only those above it:

- :mod:`~mdsum.ingest.decode`: bytes → text (UTF-8, UTF-16, cp1252, latin-1) or a "binary file" skip;
- :mod:`~mdsum.ingest.clean`: boilerplate lines, :func:`clean_text`, :func:`unwrap`, :func:`truncate`;
- :mod:`~mdsum.ingest.header`: a leading title and ``By X | Outlet | Date`` byline, dates;
- :mod:`~mdsum.ingest.rawpage`: scraped-page debris (repeated headlines, datelines, outlet tails);
- :mod:`~mdsum.ingest.lang`: a small language guess per article;
- :mod:`~mdsum.ingest.formats`: the per-format loaders (txt, md, html, json, jsonl) and ``clean_record``;
- :mod:`~mdsum.ingest.reader`: :class:`FolderReader` (walking, symlinks, the manifest, near-duplicates).

Importing this package imports none of them (nothing is registered by importing mdsum).
"""
