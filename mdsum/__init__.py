"""mdsum: multi-document news summarisation where every sentence cites its sources."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Pipeline", "__version__"]


def __getattr__(name: str):  # lazy: `import mdsum` stays cheap (no torch) until the pipeline is used
    if name == "Pipeline":
        from mdsum.pipeline import Pipeline

        return Pipeline
    raise AttributeError(name)
