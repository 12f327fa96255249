"""The one message catalogue of every rendered report: Vietnamese by default, English on request.

The people who check plans read Vietnamese, so every label a report shows (titles, column
headers, states, summary figures) comes from CATALOGUE, never from a string in a template.
Only rendered labels are translated: JSON keys and values stay English (README, "Decisions
and their JSON"). Dates are shown as dd/mm/yyyy in both languages, as Vietnamese offices write them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Sequence

from align.errors import PlanAlignError

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
    "sheet.summary": {VI: "Tổng hợp", EN: "Summary"},
    "sheet.items": {VI: "Theo nhóm", EN: "Items"},
    "sheet.tasks": {VI: "Nhiệm vụ", EN: "Tasks"},
    "sheet.gaps": {VI: "Còn thiếu", EN: "Gaps"},
    "sheet.clauses": {VI: "Từng mục", EN: "Clauses"},
    "sheet.orphans": {VI: "Không gắn", EN: "Orphans"},
    "sheet.duplicates": {VI: "Trùng lặp", EN: "Duplicates"},
    "sheet.matrix": {VI: "Ma trận", EN: "Matrix"},
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
}


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


def date(stamp: str | datetime, with_time: bool = True) -> str:
    """dd/mm/yyyy (and HH:MM) from a datetime or an ISO stamp ('2026-03-05 14:20', '2026-03-05T14:20:00+00:00')."""
    when = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    return when.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
