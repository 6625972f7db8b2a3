"""Build the faster forms of the embedding model from the bundled one, on this machine, with nothing fetched.

`python -m retrieval.embed_build` (run by `make install`) writes, under the cache folder:
- onnx/model.onnx        the model exported from torch and its graph fused for ONNX Runtime (attention, layer norm,
                         GELU as single operators): the same arithmetic in fp32, run without torch;
- onnx/model_int8_mm.onnx  the graph fused for ONNX Runtime except attention, with every weight matrix product
                         quantised to 8 bits (weights ahead of time, activations per batch: dynamic quantisation, as
                         sentence-transformers' export_dynamic_quantized_onnx_model does for AVX-512 VNNI);
- openvino/model.xml     the fp32 graph converted to OpenVINO's format;
- openvino/model_int8.xml  OpenVINO's graph quantised statically by NNCF, calibrated on the repo's own paragraphs.

sentence-transformers' own `backend="onnx"`/`"openvino"` needs optimum-onnx / optimum-intel, whose releases pin
transformers 4.x / 5.5, older than the transformers sentence-transformers 6.3 runs on here; so the export uses torch's
exporter and ONNX Runtime's / OpenVINO's / NNCF's own tools directly, and retrieval/embed.py runs the results with ONNX
Runtime or OpenVINO and the model's tokenizer (no torch in the process: a one-off command starts in a fraction of the
time). Every file is written to a temporary name and renamed, under a lock, so a half-built model is never loaded.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

from retrieval import config

BACKENDS = ("torch", "onnx", "onnx-int8", "openvino", "openvino-int8")
# the file each built backend loads, relative to the model's build folder
FILES = {
    "onnx": "onnx/model.onnx",
    "onnx-int8": "onnx/model_int8_mm.onnx",
    "openvino": "openvino/model.xml",
    "openvino-int8": "openvino/model_int8.xml",
}
_RAW = "onnx/model_raw.onnx"  # the plain export every other form starts from
_INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def build_dir(model_path: str) -> Path:
    """The folder of one model's built forms: named by the model folder and the size and time of its weights, so a
    changed model is rebuilt rather than confused with the old one."""
    p = Path(model_path).resolve()
    stamp = "|".join(f"{f.name}:{f.stat().st_size}:{int(f.stat().st_mtime)}"
                     for f in sorted(p.glob("*.safetensors")) + sorted(p.glob("*.bin")))
    name = p.parent.name if p.name == "model" else p.name
    digest = hashlib.sha1(f"{p}|{stamp}".encode()).hexdigest()[:10]
    return config.cache_dir() / "models" / f"{name}-{digest}"


def built_file(model_path: str, backend: str) -> Path:
    return build_dir(model_path) / FILES[backend]


def _say(msg: str, quiet: bool) -> None:
    if not quiet:
        print(msg, file=sys.stderr, flush=True)


def _replace(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)


def _export_raw(model_path: str, out: Path) -> None:
    """torch -> ONNX (opset 17), eager attention so ONNX Runtime's BERT fusions recognise the pattern."""
    import torch
    import transformers
    from transformers import AutoModel

    transformers.logging.set_verbosity_error()
    model = AutoModel.from_pretrained(model_path, attn_implementation="eager").eval()

    class Hidden(torch.nn.Module):
        """The transformer's last hidden state from keyword inputs (BertModel's positional order changes between
        transformers releases)."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    ids = torch.ones(2, 16, dtype=torch.long)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.onnx")
    import warnings

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Hidden(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(tmp),
                          input_names=_INPUTS, output_names=["last_hidden_state"],
                          dynamic_axes={k: {0: "batch", 1: "seq"} for k in _INPUTS + ["last_hidden_state"]},
                          opset_version=17, dynamo=False)
    _replace(tmp, out)


def _model_shape(model_path: str) -> tuple[int, int]:
    import json

    cfg = json.loads((Path(model_path) / "config.json").read_text())
    return int(cfg["num_attention_heads"]), int(cfg["hidden_size"])


def _build_onnx(model_path: str, raw: Path, out: Path) -> None:
    from onnxruntime.transformers.optimizer import optimize_model

    heads, hidden = _model_shape(model_path)
    opt = optimize_model(str(raw), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=1)
    tmp = out.with_suffix(".tmp.onnx")
    opt.save_model_to_file(str(tmp))
    _replace(tmp, out)


def _build_onnx_int8(model_path: str, raw: Path, out: Path) -> None:
    """Half the int8 model's time went to the fused Attention operator, which stays fp32 (its query, key and value
    projections included) because ONNX Runtime quantises it only with one scale per tensor, which moved the vectors to
    cosine 0.96 of fp32. Left unfused, those three projections are plain weight products quantised per channel like
    the rest, and the two products between activations (scores, weighted values) stay fp32: 1.18x the speed of the
    fused-attention int8 graph at cosine 0.994 of fp32 on report paragraphs."""
    from onnx import TensorProto, load
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    heads, hidden = _model_shape(model_path)
    options = FusionOptions("bert")
    options.enable_attention = False
    unfused = out.with_name(out.stem + ".fused.tmp.onnx")
    optimize_model(str(raw), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=1,
                   optimization_options=options).save_model_to_file(str(unfused))
    graph = load(str(unfused), load_external_data=False).graph
    weights = {w.name for w in graph.initializer}
    between_activations = [n.name for n in graph.node
                           if n.op_type == "MatMul" and not any(i in weights for i in n.input)]
    tmp = out.with_suffix(".tmp.onnx")
    # Each output channel with its own scale: one scale per tensor cost cosine 0.96 of fp32, per channel keeps 0.994.
    # The fused operators (com.microsoft domain) defeat ONNX's shape inference: their outputs are float32.
    try:
        quantize_dynamic(str(unfused), str(tmp), op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8,
                         per_channel=True, reduce_range=False, nodes_to_exclude=between_activations,
                         extra_options={"DefaultTensorType": TensorProto.FLOAT})
    finally:
        unfused.unlink(missing_ok=True)
    _replace(tmp, out)


def _build_openvino(raw: Path, out: Path) -> None:
    import openvino as ov

    model = ov.convert_model(str(raw))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.stem + ".tmp.xml")
    ov.save_model(model, str(tmp), compress_to_fp16=False)
    _replace(tmp.with_suffix(".bin"), out.with_suffix(".bin"))
    _replace(tmp, out)


def calibration_texts(limit: int = 120) -> list[str]:
    """Paragraphs of the repo's own seed reports: the kind of text the model will see, shipped with the code."""
    root = Path(__file__).resolve().parent.parent / "corpus" / "seeds"
    texts: list[str] = []
    for f in sorted(root.glob("*.txt")):
        for block in f.read_text(encoding="utf-8", errors="ignore").split("\n\n"):
            block = " ".join(block.split())
            if len(block) > 80:
                texts.append(block)
    if not texts:  # an install without the corpus folder: sentences of the domain, enough to set the ranges
        texts = ["Care leavers live in suitable accommodation and are well supported by personal advisers.",
                 "Social workers carry high caseloads and supervision is infrequent and poorly recorded.",
                 "Return home interviews are not always timely and the information is not used well."] * 20
    step = max(1, len(texts) // limit)
    return texts[::step][:limit]


def _build_openvino_int8(model_path: str, fp32: Path, out: Path) -> None:
    import nncf
    import numpy as np
    import openvino as ov
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
    tok.enable_truncation(256)
    samples = []
    for text in calibration_texts():
        enc = tok.encode(text)
        ids = np.array([enc.ids], dtype=np.int64)
        samples.append({"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})
    model = ov.Core().read_model(str(fp32))
    q = nncf.quantize(model, nncf.Dataset(samples), model_type=nncf.ModelType.TRANSFORMER,
                      subset_size=len(samples))
    tmp = out.with_name(out.stem + ".tmp.xml")
    ov.save_model(q, str(tmp), compress_to_fp16=False)
    _replace(tmp.with_suffix(".bin"), out.with_suffix(".bin"))
    _replace(tmp, out)


def build(model_path: str, backends: tuple[str, ...] | list[str] = ("onnx", "onnx-int8"), force: bool = False,
          quiet: bool = False) -> dict[str, Path]:
    """Build what the named backends load (and what they are built from), skipping what is already there."""
    from filelock import FileLock

    root = build_dir(model_path)
    root.mkdir(parents=True, exist_ok=True)
    wanted = [b for b in backends if b != "torch"]
    with FileLock(str(root / ".build.lock")):
        raw = root / _RAW
        needs_raw = any(force or not (root / FILES[b]).exists() for b in wanted)
        if needs_raw and (force or not raw.exists()):
            t = time.perf_counter()
            _say(f"embedding model: exporting {Path(model_path).name} to ONNX ...", quiet)
            _export_raw(model_path, raw)
            _say(f"  exported in {time.perf_counter() - t:.0f} s", quiet)
        order = [b for b in ("onnx", "onnx-int8", "openvino", "openvino-int8")
                 if b in wanted or (b == "openvino" and "openvino-int8" in wanted)]
        for b in order:
            target = root / FILES[b]
            if target.exists() and not force:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            t = time.perf_counter()
            _say(f"embedding model: building the {b} form ...", quiet)
            if b == "onnx":
                _build_onnx(model_path, raw, target)
            elif b == "onnx-int8":
                _build_onnx_int8(model_path, raw, target)
            elif b == "openvino":
                _build_openvino(raw, target)
            else:
                _build_openvino_int8(model_path, root / FILES["openvino"], target)
            _say(f"  {b}: {target} ({time.perf_counter() - t:.0f} s)", quiet)
    return {b: root / FILES[b] for b in wanted}


def main(argv: list[str] | None = None) -> int:
    from retrieval.embed import DEFAULT_BACKEND, model_path

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", action="append", choices=[b for b in BACKENDS if b != "torch"],
                    help=f"a form to build (repeatable); default: the default backend ({DEFAULT_BACKEND})")
    ap.add_argument("--all", action="store_true", help="build every form (ONNX and OpenVINO, fp32 and int8)")
    ap.add_argument("--model", help="a model name or folder (default: INSPECTIONS_MODEL, else the packaged model)")
    ap.add_argument("--force", action="store_true", help="rebuild even when built")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    wanted = list(FILES) if a.all else (a.backend or [DEFAULT_BACKEND])
    paths = build(model_path(a.model), wanted, force=a.force, quiet=a.quiet)
    for b, p in paths.items():
        print(f"{b}: {p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
