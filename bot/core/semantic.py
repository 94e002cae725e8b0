"""What words alone miss: a small static sentence-embedding model.

Fans ask "did hal make it?" where a fact says "no one knows if Hal survived". The lexical
index (:mod:`bot.core.matcher`) only sees shared words; an embedding places both near each
other. The model is WordLlama's 256-dimensional ``l2_supercat``, whose token table and
tokenizer ship inside the ``wordllama`` wheel: nothing is downloaded at run time, and the
``wordllama`` package itself is not imported (only its files are read).

A sentence's vector is the mean of its tokens' vectors, normalised: embedding one question
is a tokenisation and a table lookup (tens of microseconds), the same every run. The table
stays in float16 (16 MB) and is only widened for the tokens a text uses.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from tokenizers import Tokenizer

DIMENSIONS = 256
_BATCH = 64
_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"

Vectors = npt.NDArray[np.float32]


class ModelMissing(RuntimeError):
    """The embedding model's files are not installed."""


class Embedder:
    """Sentences to unit vectors (float32, :data:`DIMENSIONS` wide)."""

    def __init__(self, tokenizer: Tokenizer, table: npt.NDArray[np.float16]) -> None:
        self._tokenizer = tokenizer
        self._table = table

    @classmethod
    def from_directory(cls, directory: Path) -> Embedder:
        weights, tokenizer = directory / _WEIGHTS, directory / _TOKENIZER
        if not weights.is_file() or not tokenizer.is_file():
            raise ModelMissing(f"no WordLlama model files under {directory}")
        table = load_file(str(weights))["embedding.weight"].astype(np.float16, copy=False)
        return cls(Tokenizer.from_file(str(tokenizer)), table)

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One normalised row per text; an empty text gets a zero row."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # In batches: a large index is embedded in a worker thread, and each batch lets the
        # event loop's thread have the interpreter back.
        for first in range(0, len(texts), _BATCH):
            batch = list(texts[first : first + _BATCH])
            encoded = self._tokenizer.encode_batch(batch, add_special_tokens=False)
            for row, encoding in enumerate(encoded, start=first):
                self._mean_into(out[row], encoding.ids)
            _normalise(out[first : first + _BATCH])  # batch by batch, for the same reason
        return out

    def embed_one(self, text: str) -> npt.NDArray[np.float32]:
        """What :meth:`embed` gives ``text``, tokenised on this thread: a batch of one
        would be handed to the tokenizer's thread pool and back, for every question."""
        out = np.zeros((1, DIMENSIONS), dtype=np.float32)
        self._mean_into(out[0], self._tokenizer.encode(text, add_special_tokens=False).ids)
        _normalise(out)
        vector: npt.NDArray[np.float32] = out[0]
        return vector

    def _mean_into(self, row: npt.NDArray[np.float32], token_ids: Sequence[int]) -> None:
        ids = np.asarray(token_ids, dtype=np.int64)
        if ids.size:
            row[:] = self._table[ids].mean(axis=0, dtype=np.float32)


def _normalise(rows: Vectors) -> None:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    np.divide(rows, norms, out=rows, where=norms > 0)


@functools.cache
def default_embedder() -> Embedder:
    """The model shipped in the ``wordllama`` wheel, loaded once per process."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing("the 'wordllama' package (which ships the model) is not installed")
    return Embedder.from_directory(Path(next(iter(spec.submodule_search_locations))))
