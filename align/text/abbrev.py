"""Abbreviations of Vietnamese government plans, expanded for lexical matching.

A commune writes "ứng dụng CNTT, CĐS trong CCHC" where the resolution writes the words
out; expanding both sides lets them share terms. Only standalone tokens are expanded:
document numbers ("358/KH-UBND", "12- KH/TU", "57-NQ/TW") are kept whole, since there
"KH" names the document type and "TU" the issuer, not words of the sentence.
"""
from __future__ import annotations

import re

# Keys as written in plans (case matters: "AI" is an acronym, "ai" a Vietnamese word);
# values in lower-case Vietnamese, tone marks in the new placement (ủy, hóa).
ABBREVIATIONS: dict[str, str] = {
    # science, technology, innovation, digital transformation
    "KHCN": "khoa học công nghệ",
    "KH&CN": "khoa học và công nghệ",
    "ĐMST": "đổi mới sáng tạo",
    "KHCN&ĐMST": "khoa học công nghệ và đổi mới sáng tạo",
    "CĐS": "chuyển đổi số",
    "CDS": "chuyển đổi số",
    "CNTT": "công nghệ thông tin",
    "R&D": "nghiên cứu và phát triển",
    "AI": "trí tuệ nhân tạo",
    "IoT": "internet vạn vật",
    "IOT": "internet vạn vật",
    "CSDL": "cơ sở dữ liệu",
    "CSDLQG": "cơ sở dữ liệu quốc gia",
    "ATTT": "an toàn thông tin",
    "HTTT": "hệ thống thông tin",
    "TMĐT": "thương mại điện tử",
    "CQĐT": "chính quyền điện tử",
    "CQS": "chính quyền số",
    "KTS": "kinh tế số",
    "XHS": "xã hội số",
    "TTĐT": "thông tin điện tử",
    "IOC": "trung tâm giám sát điều hành thông minh",
    "VNeID": "định danh điện tử vneid",
    "VneID": "định danh điện tử vneid",
    # administration and public services
    "TTHC": "thủ tục hành chính",
    "CCHC": "cải cách hành chính",
    "DVC": "dịch vụ công",
    "DVCTT": "dịch vụ công trực tuyến",
    "PVHCC": "phục vụ hành chính công",
    "HCC": "hành chính công",
    "QLNN": "quản lý nhà nước",
    "ĐVHC": "đơn vị hành chính",
    "CBCC": "cán bộ công chức",
    "CBCCVC": "cán bộ công chức viên chức",
    "CCCD": "căn cước công dân",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "NSNN": "ngân sách nhà nước",
    # bodies
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "HĐND&UBND": "hội đồng nhân dân và ủy ban nhân dân",
    "UB": "ủy ban",
    "MTTQ": "mặt trận tổ quốc",
    "UBMTTQ": "ủy ban mặt trận tổ quốc",
    "BCĐ": "ban chỉ đạo",
    "BCD": "ban chỉ đạo",
    "BCH": "ban chấp hành",
    "BTV": "ban thường vụ",
    "TU": "tỉnh ủy",            # or thành ủy in a centrally-run city; the two share "ủy"
    "ĐU": "đảng ủy",
    "TW": "trung ương",
    "PCT": "phó chủ tịch",
    "CHQS": "chỉ huy quân sự",
    "VPCP": "văn phòng chính phủ",
    "TTg": "thủ tướng",
    "BKHCN": "bộ khoa học và công nghệ",
    "BTTTT": "bộ thông tin và truyền thông",
    "HTX": "hợp tác xã",
    "DN": "doanh nghiệp",
    # documents
    "NQ": "nghị quyết",
    "KH": "kế hoạch",
    "QĐ": "quyết định",
    "NĐ": "nghị định",
    # sectors and places
    "VHXH": "văn hóa xã hội",
    "KT-XH": "kinh tế xã hội",
    "GD&ĐT": "giáo dục và đào tạo",
    "NN&PTNT": "nông nghiệp và phát triển nông thôn",
    "TN&MT": "tài nguyên và môi trường",
    "LĐTBXH": "lao động thương binh và xã hội",
    "SXKD": "sản xuất kinh doanh",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "CSGD": "cơ sở giáo dục",
    "TP": "thành phố",
    "OCOP": "mỗi xã một sản phẩm",
    "GDP": "tổng sản phẩm trong nước",
    "GRDP": "tổng sản phẩm trên địa bàn",
    "FDI": "đầu tư trực tiếp nước ngoài",
    "ODA": "hỗ trợ phát triển chính thức",
    "PPP": "đối tác công tư",
    "TCVN": "tiêu chuẩn việt nam",
}

# Abbreviations that are also Vietnamese syllables ("TU BỔ", "AI CŨNG"): inside an
# all-capitals heading they are words, not abbreviations.
_SYLLABLES = frozenset({"AI", "TU", "ĐU"})

# Document types that open a bare document number ("NQ/TW", "KH-UBND").
_DOC_TYPES = "KH|NQ|QĐ|NĐ|TT|TTr|CT|ĐA|CV|BC|TB|HD|QH|KL|QC"
_CODE = r"[A-ZĐ][\w&]*"
_DOC_NUMBER = (
    rf"(?:\d[\d/.]*|(?<![\w)])(?=/))[-/]\s?{_CODE}(?:[-/]\s?{_CODE})*"   # 358/KH-UBND, /KH-UBND
    rf"|(?<![\w&])(?:{_DOC_TYPES})[-/]{_CODE}(?:[-/]{_CODE})*"               # NQ/TW
)
# Document numbers as written in plans; analyze() keeps each one as a single term.
DOC_NUMBER = re.compile(_DOC_NUMBER)
_TOKEN = r"[^\W\d_]\w*(?:[&-][^\W\d_]\w*)*"
_PATTERN = re.compile(
    rf"(?P<doc>{_DOC_NUMBER})"
    rf"|\(\s*(?P<par>{_TOKEN})\s*\)"
    rf"|(?<![\w&])(?P<tok>{_TOKEN})(?![\w&])"
)
_CAPS_WORD = re.compile(r"[^\W\d_]{2,}")


def _expand_token(token: str) -> str | None:
    """Expansion of one token, or None: whole token first, then its -/& parts."""
    if token in ABBREVIATIONS:
        return ABBREVIATIONS[token]
    if "&" in token:
        parts = token.split("&")
        if all(p in ABBREVIATIONS for p in parts):
            return " và ".join(ABBREVIATIONS[p] for p in parts)
        return None
    if "-" in token:
        parts = token.split("-")
        if any(p in ABBREVIATIONS for p in parts):
            return " - ".join(ABBREVIATIONS.get(p, p) for p in parts)
    return None


def _in_capitals(text: str, start: int, end: int) -> bool:
    """Whether a neighbouring word is an all-capitals Vietnamese word (a heading)."""
    before = _CAPS_WORD.findall(text[max(0, start - 30):start])
    after = _CAPS_WORD.findall(text[end:end + 30])
    neighbours = before[-1:] + after[:1]
    return any(w.isupper() and w not in ABBREVIATIONS for w in neighbours)


def _replace(match: re.Match[str]) -> str:
    if match.group("doc"):
        return match.group(0)
    token = match.group("par") or match.group("tok")
    expansion = _expand_token(token)
    if expansion is None:
        return match.group(0)
    if token in _SYLLABLES and _in_capitals(match.string, match.start(), match.end()):
        return match.group(0)
    if match.group("par"):
        # "trí tuệ nhân tạo (AI)" already says it: drop the parenthesis, not the words.
        before = match.string[:match.start()].rstrip()
        if before.lower().endswith(expansion):
            return ""
        return f"({expansion})"
    return expansion


def expand_abbreviations(text: str) -> str:
    """Replace standalone abbreviations by their words; document numbers stay as written."""
    return _PATTERN.sub(_replace, text)
