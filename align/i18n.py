"""The one message catalogue of every rendered report: Vietnamese by default, English on request.

The people who check plans read Vietnamese, so every label a report shows (titles, column
headers, states, summary figures) comes from CATALOGUE, never from a string in a template.
Only rendered labels are translated: JSON keys and values stay English (README, "Decisions
and their JSON"). Dates are shown as dd/mm/yyyy in both languages, as Vietnamese offices write them.
"""
from __future__ import annotations

import json
import string
from datetime import datetime
from typing import Any, Mapping, Sequence

from align.errors import PlanAlignError

VI, EN = "vi", "en"
LANGUAGES = (VI, EN)
DEFAULT = VI

CATALOGUE_FILE = "messages.json"    # in align/data: {key: {"vi": ..., "en": ...}}, keys grouped by prefix


def _catalogue() -> dict[str, dict[str, str]]:
    """The catalogue as shipped: a data file, so translators edit one table and no label sits in code."""
    from importlib import resources

    with resources.files("align").joinpath("data", CATALOGUE_FILE).open(encoding="utf-8") as f:
        return json.load(f)


# Prefixes: status./level./kind. (values), col. (column headers), title./sheet./fig./card./report./
# heatmap. (reports), reason. (reasons of decisions, align.types.Reason codes), web. (the workbench).
CATALOGUE: dict[str, dict[str, str]] = _catalogue()
WEB = {key: texts for key, texts in CATALOGUE.items() if key.startswith("web.")}


class _ReasonFormatter(string.Formatter):
    """str.format with a language: nested reasons rendered, lists joined, numbers with the decimal mark."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, spec: str) -> str:
        if isinstance(value, Mapping) and "code" in value:
            return reason_text(value, self.lang)
        if hasattr(value, "code") and hasattr(value, "params"):
            return reason_text(value, self.lang)
        if isinstance(value, (list, tuple)):
            return ", ".join(self.format_field(v, "") for v in value)
        if isinstance(value, float):
            return number(value, self.lang, spec)
        return super().format_field(value, spec)


# Reason parameters added after the JSON contract was published: a reason written before them (saved
# JSON, another version's output) still renders, without that part.
LATER_PARAMS = ("elsewhere",)


def reason_text(reason: Any, lang: str = EN) -> str:
    """A decision's reason (an align.types.Reason, or its JSON `{"code", "params"}`) in `lang`.

    English is the JSON's `reason` string; reports show their own language. Vietnamese writes
    0,42 for 0.42."""
    code, params = (reason["code"], reason.get("params") or {}) if isinstance(reason, Mapping) else \
        (reason.code, reason.params)
    try:
        text = CATALOGUE[f"reason.{code}"][check_lang(lang)]
    except KeyError:
        raise KeyError(f"no reason {code!r} in the catalogue") from None
    return _ReasonFormatter(lang).vformat(text, (), {**dict.fromkeys(LATER_PARAMS, ""), **dict(params)})


def reason_json(reason: Any) -> Any:
    """A reason as JSON: `{"code", "params"}`, nested reasons alike (what `reason_text` reads back)."""
    if hasattr(reason, "code") and hasattr(reason, "params"):
        return {"code": reason.code, "params": {k: reason_json(v) for k, v in reason.params.items()}}
    if isinstance(reason, (list, tuple)):
        return [reason_json(v) for v in reason]
    return reason


REASON_KEYS = ("reason", "reason_code", "reason_params")


def reason_fields(reason: Any) -> dict[str, Any]:
    """The JSON fields of a row with a reason: `reason` (English text), `reason_code`, `reason_params`."""
    data = reason_json(reason)
    return {"reason": reason_text(data, EN), "reason_code": data["code"], "reason_params": data["params"]}


def localise(row: Mapping[str, Any], lang: str = DEFAULT) -> dict[str, Any]:
    """A JSON row with its `reason` in `lang` (rows without `reason_code` unchanged)."""
    if not row.get("reason_code"):
        return dict(row)
    return {**row, "reason": reason_text({"code": row["reason_code"], "params": row.get("reason_params")}, lang)}


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise PlanAlignError(f"unknown language {lang!r} (choose from {', '.join(LANGUAGES)})")
    return lang


def t(key: str, lang: str = DEFAULT, **values: Any) -> str:
    """The label `key` in `lang`, with `{name}` fields filled from `values`."""
    try:
        text = CATALOGUE[key][check_lang(lang)]
    except KeyError:
        raise KeyError(f"no message {key!r} in the catalogue") from None
    return text.format(**values) if values else text


def column(name: str, lang: str = DEFAULT) -> str:
    """A column header: `<ref>_clause` / `<ref>_score` name their reference; unknown names (matrix items
    such as III.5) are shown as they are."""
    if f"col.{name}" in CATALOGUE:
        return t(f"col.{name}", lang)
    for suffix in ("clause", "score"):
        if name.endswith(f"_{suffix}"):
            return t(f"col.ref_{suffix}", lang, ref=name[: -len(suffix) - 1].upper())
    return name


VALUE_KEYS = {"status": "status", "level": "level", "kind": "kind"}
FLAGS = {"orphan", "reviewed"}


def value(name: str, raw: Any, lang: str = DEFAULT) -> Any:
    """A cell's value as shown: states, levels and kinds in words, flags as 'có'; the rest unchanged."""
    if name in FLAGS:
        return t("yes", lang) if raw in (True, "yes") else ""
    prefix = VALUE_KEYS.get(name)
    if prefix and isinstance(raw, str) and f"{prefix}.{raw}" in CATALOGUE:
        return t(f"{prefix}.{raw}", lang)
    return raw


def rows(found: Sequence[Mapping[str, Any]], columns: Sequence[str], lang: str = DEFAULT) -> list[dict[str, Any]]:
    """Rows with their values as shown (for Markdown, xlsx and Word; the HTML keeps raw values for its classes)."""
    return [{c: value(c, r.get(c), lang) for c in columns} for r in found]


def number(value: float, lang: str = DEFAULT, spec: str = ".3f") -> str:
    """A number as a reader of `lang` writes it: 0,425 in Vietnamese, 0.425 in English."""
    shown = format(value, spec)
    return shown.replace(".", ",") if lang == VI else shown


def date(stamp: str | datetime, with_time: bool = True) -> str:
    """dd/mm/yyyy (and HH:MM) from a datetime or an ISO stamp ('2026-03-05 14:20', '2026-03-05T14:20:00+00:00')."""
    when = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    return when.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
