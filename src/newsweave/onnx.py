"""ONNX models on the CPU: what every ONNX engine of newsweave does the same way.

The sentence embedders (`stories.embed.OnnxEmbedder`) and the NLI cross-encoders
(`analysis.nli.OnnxNli`) load a model folder, a Hugging Face tokenizer and an onnxruntime
session alike, and feed a batch of encodings alike; this module is that shared part, so neither
reaches into the other:

    find_model_file   model.onnx (or onnx/model.onnx, or the folder's only .onnx file)
    read_json         a folder's settings file (config.json, a sentence-transformers config)
    load_tokenizer    tokenizer.json, truncating, unpadded, with its padding id
    open_session      an onnxruntime session on every core this process may use
    text_inputs       the integer inputs a BERT-style export declares, with their types
    pad_encodings     a batch of encodings as the padded arrays those inputs take

onnxruntime and tokenizers are imported inside the loaders, so importing this module stays
cheap.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from newsweave.errors import SettingsError

if TYPE_CHECKING:
    from tokenizers import Encoding, Tokenizer

__all__ = [
    "TEXT_INPUTS",
    "default_threads",
    "find_model_file",
    "load_tokenizer",
    "open_session",
    "pad_encodings",
    "read_json",
    "text_inputs",
]

# Integer input tensors a BERT-style export may declare; an export declares a subset.
TEXT_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def default_threads() -> int:
    """Threads for one onnxruntime session: every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def find_model_file(folder: Path) -> Path:
    """model.onnx or onnx/model.onnx; else the folder's only .onnx file."""
    for candidate in (folder / "model.onnx", folder / "onnx" / "model.onnx"):
        if candidate.is_file():
            return candidate
    found = sorted([*folder.glob("*.onnx"), *folder.glob("onnx/*.onnx")])
    if len(found) == 1:
        return found[0]
    if not found:
        raise SettingsError(
            f"model folder {str(folder)!r} holds no model.onnx or onnx/model.onnx; "
            "download the model's ONNX export into it"
        )
    names = ", ".join(str(path.relative_to(folder)) for path in found)
    raise SettingsError(
        f"model folder {str(folder)!r} holds several ONNX files ({names}) and no model.onnx; "
        "rename the one to use to model.onnx"
    )


def read_json(path: Path) -> dict[str, Any]:
    """The JSON object a settings file holds; {} when there is no such file or no object."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SettingsError(
            f"{str(path)!r} is not readable JSON ({error}); fix or remove it"
        ) from error
    return data if isinstance(data, dict) else {}


def load_tokenizer(path: Path, max_length: int) -> tuple[Tokenizer, int]:
    """The tokenizer, truncating at `max_length`, unpadded (batches are padded by
    `pad_encodings`), and the id it pads with."""
    try:
        from tokenizers import Tokenizer
    except ImportError as error:
        raise SettingsError(
            "ONNX embedders need the tokenizers package; run `pip install tokenizers`"
        ) from error
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as error:  # the Rust side raises plain Exception for a malformed file
        raise SettingsError(
            f"tokenizer {str(path)!r} cannot be loaded ({error}); it must be a Hugging Face "
            "tokenizer.json"
        ) from error
    padding = tokenizer.padding or {}
    pad_id = padding.get("pad_id")
    for token in ("[PAD]", "<pad>"):
        if pad_id is None:
            pad_id = tokenizer.token_to_id(token)
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length)
    return tokenizer, int(pad_id or 0)


def open_session(path: Path, threads: int | None) -> Any:
    try:
        import onnxruntime
    except ImportError as error:
        raise SettingsError(
            "ONNX embedders need onnxruntime; run `pip install onnxruntime`"
        ) from error
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    # Idle threads sleep instead of spinning: as fast on an idle machine, and 1.75 times as
    # fast when another process keeps one of 2 cores busy (measured once, by hand).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: no per-session optimiser chatter
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own unexported Fail/InvalidProtobuf
        raise SettingsError(
            f"ONNX model {str(path)!r} cannot be loaded ({error}); check that it is a complete "
            "ONNX export"
        ) from error


def text_inputs(session: Any, model_path: Path) -> dict[str, type]:
    """The model's inputs, each with the integer type it declares."""
    inputs: dict[str, type] = {}
    for node in session.get_inputs():
        if node.name not in TEXT_INPUTS:
            raise SettingsError(
                f"ONNX model {str(model_path)!r} wants an input {node.name!r}; newsweave feeds "
                f"only {', '.join(TEXT_INPUTS)} (a BERT-style sentence-transformers export)"
            )
        inputs[node.name] = np.int32 if node.type == "tensor(int32)" else np.int64
    if "input_ids" not in inputs:
        raise SettingsError(f"ONNX model {str(model_path)!r} has no input_ids input")
    return inputs


def pad_encodings(encodings: list[Encoding], pad_id: int) -> dict[str, np.ndarray]:
    """input_ids, attention_mask, token_type_ids, padded to the longest encoding."""
    width = max(len(encoding.ids) for encoding in encodings)
    ids = np.full((len(encodings), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    types = np.zeros((len(encodings), width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        length = len(encoding.ids)
        ids[row, :length] = encoding.ids
        mask[row, :length] = encoding.attention_mask
        types[row, :length] = encoding.type_ids
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
