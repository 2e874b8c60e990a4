"""Natural-language inference models a user can plug into the support checker.

An `NliModel` reads (premise, hypothesis) pairs and returns, per pair, the probabilities of
entailment, neutral and contradiction, in that order. `OnnxNli` is the real one: a
cross-encoder exported to ONNX (a folder holding model.onnx and tokenizer.json, the shape
Hugging Face's optimum exports, e.g. of cross-encoder/nli-deberta-v3-small), run with
onnxruntime on the CPU through the same loading code as the ONNX embedder (`newsweave.onnx`).
The order of its output labels is read from the folder's config.json (`id2label`); without
one, the order of the sentence-transformers NLI cross-encoders (contradiction, entailment,
neutral) is assumed.

No NLI model ships on PyPI with its weights, so none is bundled: the `support_nli` setting
names a folder, and `load_nli` returns None while it is empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

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

__all__ = ["LABELS", "NliModel", "OnnxNli", "load_nli"]

LABELS = ("entailment", "neutral", "contradiction")
# The label order of sentence-transformers' NLI cross-encoders, used when config.json is absent.
CROSS_ENCODER_ORDER = ("contradiction", "entailment", "neutral")


@runtime_checkable
class NliModel(Protocol):
    """Reads premise/hypothesis pairs; returns (len(pairs), 3) probabilities, rows summing to 1,
    columns entailment, neutral, contradiction."""

    name: str

    def classify(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


def load_nli(setting: str | Path) -> NliModel | None:
    """The model the `support_nli` setting names: None when empty, else an ONNX folder."""
    if not str(setting).strip():
        return None
    return OnnxNli.from_folder(Path(setting).expanduser())


class OnnxNli:
    """An ONNX sequence-pair classifier: tokenize each pair together, run, softmax the logits."""

    def __init__(
        self,
        model_path: Path,
        tokenizer_path: Path,
        *,
        labels: Sequence[str] = CROSS_ENCODER_ORDER,
        name: str | None = None,
        max_length: int = 512,
        threads: int | None = None,
    ) -> None:
        for path, what in ((model_path, "ONNX model"), (tokenizer_path, "tokenizer")):
            if not Path(path).is_file():
                raise SettingsError(f"{what} file {str(path)!r} does not exist; check the path")
        self._columns = _label_columns(labels, model_path)
        self._width = len(labels)
        self.name = name or Path(model_path).parent.name
        self._tokenizer, self._pad_id = load_tokenizer(Path(tokenizer_path), max_length)
        self._session = open_session(Path(model_path), threads)
        self._inputs = text_inputs(self._session, Path(model_path))
        self._output = self._session.get_outputs()[0].name

    @classmethod
    def from_folder(cls, path: Path, **options: Any) -> OnnxNli:
        """Load model.onnx (or onnx/model.onnx), tokenizer.json and config.json's labels."""
        path = Path(path)
        if not path.is_dir():
            raise SettingsError(
                f"NLI model folder {str(path)!r} does not exist; set support_nli to a folder "
                "holding an ONNX cross-encoder (model.onnx and tokenizer.json), or leave it empty"
            )
        id2label = read_json(path / "config.json").get("id2label")
        if isinstance(id2label, dict):
            labels = [str(id2label[key]) for key in sorted(id2label, key=int)]
            options = {"labels": labels, **options}
        options = {"name": path.absolute().name, **options}
        return cls(find_model_file(path), path / "tokenizer.json", **options)

    def classify(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([tuple(pair) for pair in pairs])
        feed = pad_encodings(encodings, self._pad_id)
        feed = {name: feed[name].astype(dtype) for name, dtype in self._inputs.items()}
        (logits,) = self._session.run([self._output], feed)
        logits = np.asarray(logits, dtype=np.float64)
        if logits.ndim != 2 or logits.shape[1] != self._width:
            raise SettingsError(
                f"NLI model {self.name!r} gives outputs of shape {logits.shape}, not one score "
                f"per label ({self._width}); check its config.json id2label"
            )
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities = exp / exp.sum(axis=1, keepdims=True)
        out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
        for column, source in enumerate(self._columns):
            if source is not None:
                out[:, column] = probabilities[:, source]
        return out

    def __repr__(self) -> str:
        return f"OnnxNli(name={self.name!r})"


def _label_columns(labels: Sequence[str], model_path: Path) -> list[int | None]:
    """For each of LABELS, the model's output column (None when the model has no such label)."""
    names = [label.lower() for label in labels]
    columns = [
        next((i for i, name in enumerate(names) if name.startswith(label[:6])), None)
        for label in LABELS
    ]
    if columns[0] is None:
        raise SettingsError(
            f"NLI model {str(model_path)!r} has no entailment label (its labels: "
            f"{', '.join(labels)}); give a folder whose config.json id2label names one"
        )
    return columns
