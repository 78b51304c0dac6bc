"""Shim: the installed entry point still names ``mdsum.io:FolderReader``; delete once mdsum is reinstalled."""
from mdsum.ingest.reader import FolderReader  # noqa: F401
