"""The one message catalogue of every rendered report: Vietnamese by default, English on request.

The people who check plans read Vietnamese, so every label a report shows (titles, column
headers, states, summary figures) comes from CATALOGUE, never from a string in a template.
Only rendered labels are translated: JSON keys and values stay English (README, "Decisions
and their JSON"). Dates are shown as dd/mm/yyyy in both languages, as Vietnamese offices write them.
"""
from __future__ import annotations

import string
from datetime import datetime
from typing import Any, Mapping, Sequence

from align.errors import PlanAlignError
from align.web.labels import WEB

VI, EN = "vi", "en"
LANGUAGES = (VI, EN)
DEFAULT = VI

CATALOGUE: dict[str, dict[str, str]] = {
    # states of a clause, of an item, and levels
    "status.covered": {VI: "đã đáp ứng", EN: "covered"},
    "status.weak": {VI: "cần xem lại", EN: "weak"},
    "status.gap": {VI: "còn thiếu", EN: "gap"},
    "status.not_applicable": {VI: "không thuộc cấp xã", EN: "not applicable"},
    "status.partial": {VI: "đáp ứng một phần", EN: "partial"},
    "level.commune": {VI: "cấp xã", EN: "commune"},
    "level.national": {VI: "cấp trên", EN: "national"},
    "kind.task": {VI: "nhiệm vụ", EN: "task"},
    "kind.target": {VI: "chỉ tiêu", EN: "target"},
    "kind.exact": {VI: "trùng nguyên văn", EN: "exact"},
    "kind.near": {VI: "gần trùng", EN: "near"},
    "kind.paraphrase": {VI: "cùng ý, khác lời", EN: "paraphrase"},
    "yes": {VI: "có", EN: "yes"},
    "reviewed": {VI: "đã rà soát", EN: "reviewed"},
    "none": {VI: "Không có.", EN: "None."},
    # column headers
    "col.figure": {VI: "Nội dung", EN: "figure"},
    "col.value": {VI: "Số liệu", EN: "value"},
    "col.id": {VI: "Mã", EN: "id"},
    "col.kind": {VI: "Loại", EN: "kind"},
    "col.task": {VI: "Nhiệm vụ", EN: "task"},
    "col.tasks": {VI: "Nhiệm vụ tương ứng", EN: "tasks"},
    "col.lead": {VI: "Cơ quan chủ trì", EN: "lead"},
    "col.deadline": {VI: "Thời hạn", EN: "deadline"},
    "col.orphan": {VI: "Chưa gắn văn bản cấp trên", EN: "orphan"},
    "col.reviewed": {VI: "Đã rà soát", EN: "reviewed"},
    "col.note": {VI: "Ghi chú", EN: "note"},
    "col.rank": {VI: "Thứ tự", EN: "rank"},
    "col.gap_rank": {VI: "Thứ tự còn thiếu", EN: "gap rank"},
    "col.clause_id": {VI: "Mục", EN: "clause id"},
    "col.item": {VI: "Nhóm", EN: "item"},
    "col.peer_coverage": {VI: "Số kế hoạch xã khác đã có", EN: "peer coverage"},
    "col.support": {VI: "Mức đáp ứng", EN: "support"},
    "col.reason": {VI: "Lý do", EN: "reason"},
    "col.text": {VI: "Nội dung", EN: "text"},
    "col.status": {VI: "Trạng thái", EN: "status"},
    "col.evidence": {VI: "Nhiệm vụ làm căn cứ", EN: "evidence"},
    "col.clauses": {VI: "Số nội dung", EN: "clauses"},
    "col.covered": {VI: "Đã đáp ứng", EN: "covered"},
    "col.weak": {VI: "Cần xem lại", EN: "weak"},
    "col.gap": {VI: "Còn thiếu", EN: "gap"},
    "col.not_applicable": {VI: "Không thuộc cấp xã", EN: "not applicable"},
    "col.share": {VI: "Tỷ lệ đáp ứng", EN: "share"},
    "col.heading": {VI: "Tiêu đề", EN: "heading"},
    "col.probability": {VI: "Xác suất", EN: "probability"},
    "col.score": {VI: "Độ tương đồng", EN: "score"},
    "col.a_id": {VI: "Mã A", EN: "a id"},
    "col.a": {VI: "Nhiệm vụ A", EN: "a"},
    "col.b_id": {VI: "Mã B", EN: "b id"},
    "col.b": {VI: "Nhiệm vụ B", EN: "b"},
    "col.plan": {VI: "Kế hoạch", EN: "plan"},
    "col.commune": {VI: "Xã", EN: "commune"},
    "col.total": {VI: "Tổng", EN: "total"},
    "col.best_clause": {VI: "Nội dung gần nhất", EN: "best clause"},
    "col.ref_clause": {VI: "Mục {ref} gần nhất", EN: "{ref} clause"},
    "col.ref_score": {VI: "Điểm {ref}", EN: "{ref} score"},
    "col.suggestion": {VI: "Gợi ý từ kế hoạch đã rà soát", EN: "suggestion"},
    "col.origin": {VI: "Nguồn gợi ý", EN: "origin"},
    "col.ref": {VI: "Văn bản", EN: "reference"},
    # table titles (sheet names are short: Excel allows 31 characters)
    "title.summary": {VI: "Tổng hợp", EN: "Summary"},
    "title.items": {VI: "Mức đáp ứng {ref} theo nhóm nội dung", EN: "Coverage of {ref} by item"},
    "title.tasks": {VI: "Nhiệm vụ và các mục gần nhất của văn bản cấp trên", EN: "Tasks and their best clauses"},
    "title.gaps": {VI: "Nội dung còn thiếu, xếp theo số xã khác đã có", EN: "Gaps, most peer-covered first"},
    "title.clauses": {VI: "Từng mục của {ref}: trạng thái và căn cứ", EN: "Every {ref} clause: state and evidence"},
    "title.orphans": {VI: "Nhiệm vụ không gắn với mục nào của văn bản cấp trên",
                      EN: "Orphan tasks (serve no clause of any reference)"},
    "title.duplicates": {VI: "Nhiệm vụ trùng lặp trong kế hoạch", EN: "Duplicate tasks inside the plan"},
    "title.matrix": {VI: "Ma trận đáp ứng: các kế hoạch × nhóm nội dung {ref}",
                     EN: "Coverage matrix: corpus plans x {ref} items"},
    "title.suggestions": {VI: "Gợi ý từ nhiệm vụ gần trùng đã rà soát ở kế hoạch khác",
                          EN: "Suggestions from near-repeats reviewed in other plans"},
    "sheet.summary": {VI: "Tổng hợp", EN: "Summary"},
    "sheet.items": {VI: "Theo nhóm", EN: "Items"},
    "sheet.tasks": {VI: "Nhiệm vụ", EN: "Tasks"},
    "sheet.gaps": {VI: "Còn thiếu", EN: "Gaps"},
    "sheet.clauses": {VI: "Từng mục", EN: "Clauses"},
    "sheet.orphans": {VI: "Không gắn", EN: "Orphans"},
    "sheet.duplicates": {VI: "Trùng lặp", EN: "Duplicates"},
    "sheet.matrix": {VI: "Ma trận", EN: "Matrix"},
    "sheet.suggestions": {VI: "Gợi ý", EN: "Suggestions"},
    # summary figures
    "fig.tasks": {VI: "Nhiệm vụ", EN: "Tasks"},
    "fig.targets": {VI: "Chỉ tiêu", EN: "Targets (chỉ tiêu)"},
    "fig.clauses": {VI: "Mục của văn bản tham chiếu", EN: "Reference clauses"},
    "fig.applicable": {VI: "Mục cấp xã thực hiện được", EN: "Clauses a commune can act on"},
    "fig.covered": {VI: "Mục đã đáp ứng (rõ hoặc cần xem lại)", EN: "Clauses covered (clear or weak)"},
    "fig.clear": {VI: "... đáp ứng rõ", EN: "... clearly covered"},
    "fig.weak": {VI: "... căn cứ chưa rõ, cần xem lại", EN: "... weak evidence: to check"},
    "fig.gaps": {VI: "Mục còn thiếu (cấp xã)", EN: "Gaps (commune level)"},
    "fig.not_applicable": {VI: "Không thuộc cấp xã (cơ quan trung ương)", EN: "Not for a commune (central bodies)"},
    "fig.orphans": {VI: "Nhiệm vụ không gắn văn bản cấp trên", EN: "Orphan tasks"},
    "fig.duplicates": {VI: "Cặp nhiệm vụ trùng lặp", EN: "Duplicate pairs"},
    "fig.peer_plans": {VI: "Kế hoạch xã khác đem so sánh", EN: "Peer plans compared"},
    "fig.reviewed": {VI: "Nhiệm vụ đã rà soát", EN: "Tasks reviewed"},
    "fig.suggestions": {VI: "Nhiệm vụ có gợi ý từ kế hoạch đã rà soát", EN: "Tasks with a reviewed suggestion"},
    "fig.cuts": {VI: "Ngưỡng quyết định (mức đáp ứng)", EN: "Decision cuts (support)"},
    "fig.cuts_value": {VI: "còn thiếu dưới {weak}, đáp ứng từ {covered} ({source})",
                       EN: "gap below {weak}, covered from {covered} ({source})"},
    # cards of the HTML report
    "card.tasks": {VI: "nhiệm vụ", EN: "tasks"},
    "card.targets": {VI: "chỉ tiêu", EN: "targets"},
    "card.covered": {VI: "trên {applicable} mục cấp xã đã đáp ứng", EN: "of {applicable} applicable clauses covered"},
    "card.weak": {VI: "cần xem lại", EN: "weak (to check)"},
    "card.gaps": {VI: "còn thiếu (cấp xã)", EN: "gaps (commune level)"},
    "card.orphans": {VI: "nhiệm vụ không gắn", EN: "orphan tasks"},
    "card.duplicates": {VI: "cặp trùng lặp", EN: "duplicate pairs"},
    # headings and running text
    "report.title": {VI: "Báo cáo rà soát kế hoạch", EN: "Review of the plan"},
    "report.heading": {VI: "Rà soát {plan}: {title}", EN: "Review of {plan}: {title}"},
    "report.meta": {VI: "Mô hình {model}, phương pháp {method}, lập ngày {date}.",
                    EN: "Model {model}, method {method}, generated {date}."},
    "report.reference": {VI: "văn bản tham chiếu {ref}", EN: "reference {ref}"},
    "report.gap_below": {VI: "còn thiếu khi mức đáp ứng dưới {weak}", EN: "gap below support {weak}"},
    "report.plan": {VI: "Kế hoạch", EN: "Plan"},
    "report.commune": {VI: "Xã", EN: "Commune"},
    "report.date": {VI: "Ngày lập", EN: "Date"},
    "heatmap.plan": {VI: "Kế hoạch", EN: "Plan"},
    "heatmap.all": {VI: "Tất cả", EN: "All"},
    "heatmap.this_plan": {VI: "kế hoạch này", EN: "this plan"},
    "heatmap.cell": {VI: "{item}: {covered} trên {applicable} mục cấp xã đã đáp ứng",
                     EN: "{item}: {covered} of {applicable} applicable clauses covered"},
    "heatmap.cell_weak": {VI: ", {weak} mục cần xem lại", EN: ", {weak} of them weak"},
    "heatmap.legend": {VI: "Mỗi ô: số mục của nhóm kế hoạch đã đáp ứng, trên số mục cấp xã thực hiện được; "
                           "viền nét đứt: có mục căn cứ chưa rõ (cần xem lại). Di chuột lên nhóm để xem tiêu đề.",
                       EN: "Cells: clauses of the item the plan covers, out of those a commune can act on; "
                           "a dashed border marks cells where some coverage is weak (to check). "
                           "Hover an item for its heading."},
    "matrix.weak": {VI: "{weak} cần xem lại", EN: "{weak} weak"},
    # reasons of decisions (align.types.Reason, filled by `reason_text`): parameters that are reasons are
    # parts of the sentence (empty when absent); numbers take the language's decimal mark
    "reason.none": {VI: "", EN: ""},
    "reason.not_applicable": {VI: "không thuộc cấp xã: {why}", EN: "not for a commune: {why}"},
    "reason.note": {VI: "{said}", EN: "{note}"},         # a curated table's note is English: Vietnamese says who acts
    "reason.addressed_to": {VI: "giao cho {actors}", EN: "addressed to {actors}"},
    "reason.who.central": {VI: "việc của các cơ quan Trung ương", EN: "work of central bodies"},
    "reason.who.government": {VI: "việc của Chính phủ", EN: "work of the Government"},
    "reason.who.ministries": {VI: "việc của các bộ, ngành Trung ương", EN: "work of the ministries"},
    "reason.who.provinces": {VI: "việc của cấp tỉnh", EN: "work of the provinces"},
    "reason.who.national": {VI: "mục tiêu, nhiệm vụ ở tầm quốc gia", EN: "national work"},
    "reason.no_tasks": {VI: "kế hoạch không có nhiệm vụ nào", EN: "the plan has no tasks"},
    "reason.covered": {VI: "nhiệm vụ {task} đáp ứng mục này{via} (xác suất {probability:.2f}{terms})",
                       EN: "task {task} serves it{via} (probability {probability:.2f}{terms})"},
    "reason.weak": {VI: "mới có một phần căn cứ{via}: gần nhất là nhiệm vụ {task} (xác suất {probability:.2f}{terms})",
                    EN: "some evidence only{via}: task {task} is the nearest (probability {probability:.2f}{terms})"},
    "reason.gap": {VI: "không nhiệm vụ nào đáp ứng mục này{via}: gần nhất là {task}, xác suất {probability:.2f}",
                   EN: "no task serves it{via}: the nearest, {task}, has probability {probability:.2f}"},
    "reason.via": {VI: " (quan điểm, thực hiện qua {clauses})", EN: " (a viewpoint, carried out through {clauses})"},
    "reason.terms": {VI: "; từ khóa chung: {terms}", EN: "; shared terms: {terms}"},
    "reason.orphan": {VI: "không đáp ứng mục nào của {refs}: gần nhất {nearest}",
                      EN: "serves no clause of {refs}: nearest {nearest}"},
    "reason.nearest": {VI: "{ref} mục {clause} ({score:.2f})", EN: "{ref} {clause} at {score:.2f}"},
    "reason.reviewed_serves": {VI: "đã rà soát: nhiệm vụ {task} đáp ứng mục này ({reviewer}, {date})",
                               EN: "reviewed: task {task} serves it ({reviewer}, {date})"},
    "reason.reviewed_none": {VI: "đã rà soát: không đáp ứng mục nào ({reviewer}, {date})",
                             EN: "reviewed: serves no clause ({reviewer}, {date})"},
    "reason.same_words": {VI: "trùng nguyên văn", EN: "the same words"},
    "reason.near": {VI: "{share:.0%} số từ giống nhau, cùng thứ tự{lead}; cosin {cosine:.3f}",
                    EN: "{share:.0%} of the words in the same order{lead}; cosine {cosine:.3f}"},
    "reason.paraphrase": {VI: "cùng các từ nội dung ({terms}){lead}; cosin {cosine:.3f}",
                          EN: "same content words ({terms}){lead}; cosine {cosine:.3f}"},
    "reason.same_lead": {VI: "; cùng cơ quan chủ trì", EN: "; same lead agency"},
    "reason.suggested": {VI: "đã rà soát ở {commune}: nhiệm vụ {task} của {plan} đáp ứng {ref} {clause} ({reviewer}, {date})",
                         EN: "reviewed in {commune}: task {task} of {plan} serves {ref} {clause} ({reviewer}, {date})"},
}


# the workbench (`plan-align serve`): pages, buttons and messages, in align/web/labels.py
CATALOGUE.update(WEB)


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
        shown = super().format_field(value, spec)
        if isinstance(value, float) and self.lang == VI:
            shown = shown.replace(".", ",")
        return shown


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
    return _ReasonFormatter(lang).vformat(text, (), dict(params))


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
