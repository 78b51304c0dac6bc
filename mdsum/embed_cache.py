"""An on-disk store of sentence vectors keyed by model and text, so a rerun or a grown folder re-embeds only
the texts it has not seen. One SQLite file per folder (safe for several processes: SQLite locks it)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np


class VectorCache:
    """``get`` / ``put`` float32 vectors for (namespace, text); ``namespace`` names the model and its settings."""

    def __init__(self, folder: str | Path, namespace: str) -> None:
        self.path = Path(folder).expanduser() / "vectors.sqlite"
        self.namespace = namespace
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        return self._db

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.namespace}\0{text}".encode()).hexdigest()

    def get(self, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """Index → vector for the texts already stored."""
        keys = [self.key(t) for t in texts]
        found: dict[str, bytes] = {}
        db = self._conn()
        for start in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
            chunk = keys[start:start + 500]
            rows = db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            found.update(rows.fetchall())
        return {i: np.frombuffer(found[k], dtype=np.float32) for i, k in enumerate(keys) if k in found}

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [(self.key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors, strict=True)]
        with self._conn() as db:
            db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)

    def through(self, texts: Sequence[str], encode: Callable[[Sequence[str]], np.ndarray]) -> np.ndarray:
        """Vectors for ``texts``: stored ones read back, the rest ``encode``d (one call) and stored. When all are
        stored ``encode`` is not called, so a model need not even load."""
        known = self.get(texts)
        todo = [i for i in range(len(texts)) if i not in known]
        if not todo and texts:
            return np.stack([known[i] for i in range(len(texts))])
        fresh = encode([texts[i] for i in todo])
        self.put([texts[i] for i in todo], fresh)
        out = np.zeros((len(texts), fresh.shape[1]), dtype=np.float32)
        out[todo] = fresh
        for i, v in known.items():
            out[i] = v
        return out
