"""Property-based tests: whatever text or bytes come in, the ingest and text pipeline
either return a result or raise a PlanAlignError, never anything else."""
from __future__ import annotations

import io
import os
import zipfile

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from align.errors import InputError, PlanAlignError
from align.ingest.read import decode_bytes, read_text
from align.parse.document import parse_document
from align.text.analyze import analyze
from align.text.normalize import normalize_text
from align.types import Document

# A deeper hunt than CI's: PLAN_ALIGN_EXAMPLES=2000 python -m pytest tests/robustness/test_properties.py
EXAMPLES = int(os.environ.get("PLAN_ALIGN_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FEW = settings(max_examples=max(1, EXAMPLES // 4), deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])
OFFICE = settings(max_examples=max(1, EXAMPLES // 30), deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"      # the signature of a Word 97-2003 (.doc) file

# Lines that look like a plan: numbering, bullets, Markdown, table rows, Vietnamese words.
MARKERS = ("I. ", "II- ", "IV. ", "1. ", "1.2. ", "a) ", "(1) ", "- ", "+ ", "* ", "## ", "**", "### **",
           "Phụ lục ", "PHỤ LỤC I", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "Điều 1. ", "\t", "| ", "<b>")
WORDS = ("nhiệm vụ", "giải pháp", "chuyển đổi số", "TỔ CHỨC THỰC HIỆN", "MỤC TIÊU", "chỉ tiêu", "đạt 90%",
         "UBND xã", "57-NQ/TW", "358/KH-UBND", "Kế hoạch số 12", "hoàn thành", "Quý IV/2026", ";", ".", ":")
line = st.tuples(st.sampled_from(("",) + MARKERS), st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)),
                                                            max_size=8)).map(lambda t: t[0] + " ".join(t[1]))
plan_like = st.lists(line, max_size=40).map("\n".join)
any_text = st.one_of(st.text(), plan_like)


def _parse(text: str, kind: str) -> Document | None:
    try:
        return parse_document(normalize_text(text), raw=text, doc_id="x", path="x.txt", kind=kind)
    except PlanAlignError:
        return None


@SETTINGS
@given(st.binary(max_size=4096))
def test_decode_bytes_returns_text_or_input_error(data):
    try:
        text, encoding = decode_bytes(data, "f.txt")
    except InputError as error:
        assert error.path == "f.txt" and "\n" not in str(error)
        return
    assert isinstance(text, str) and text.strip() and encoding


@SETTINGS
@given(st.text(max_size=2000), st.sampled_from(("utf-8", "utf-16-le", "utf-16", "utf-8-sig")))
def test_decode_bytes_reads_back_encoded_text(text, encoding):
    try:
        decoded, _ = decode_bytes(text.encode(encoding), "f.txt")
    except InputError:
        return
    assert isinstance(decoded, str)


MAGICS = (b"", b"PK\x03\x04", b"%PDF-1.4\n", b"\xef\xbb\xbf", b"\xff\xfe", OLE)


@SETTINGS
@given(data=st.binary(max_size=4096), suffix=st.sampled_from((".txt", ".md", ".docx", ".pdf", "")),
       magic=st.sampled_from(MAGICS))
def test_read_text_file_returns_source_or_input_error(tmp_path_factory, data, suffix, magic):
    assume(not (suffix == "" and magic == OLE))     # a Word 97 file: LibreOffice, the test below
    _check_read_text(tmp_path_factory, data, suffix, magic)


# Each of these runs LibreOffice (seconds a file), so fewer examples than the fast readers get.
@OFFICE
@given(data=st.binary(max_size=4096),
       named=st.one_of(st.tuples(st.just(".doc"), st.sampled_from(MAGICS)), st.just(("", OLE))))
def test_read_text_word97_file_returns_source_or_input_error(tmp_path_factory, data, named):
    _check_read_text(tmp_path_factory, data, *named)


def _check_read_text(tmp_path_factory, data: bytes, suffix: str, magic: bytes) -> None:
    path = tmp_path_factory.mktemp("prop") / f"input{suffix}"
    path.write_bytes(magic + data)
    try:
        source = read_text(path)
    except InputError as error:
        assert error.path == str(path) and "\n" not in str(error)
        return
    assert source.text.strip() and source.raw.count("\n") == source.text.count("\n")


@FEW
@given(members=st.dictionaries(st.sampled_from(("word/document.xml", "[Content_Types].xml", "word/_rels/x.rels",
                                                "docProps/core.xml", "junk")), st.binary(max_size=512), max_size=4))
def test_read_text_docx_of_arbitrary_zip_returns_source_or_input_error(tmp_path_factory, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    path = tmp_path_factory.mktemp("prop") / "plan.docx"
    path.write_bytes(buffer.getvalue())
    try:
        read_text(path)
    except InputError as error:
        assert "\n" not in str(error)


@SETTINGS
@given(text=any_text, kind=st.sampled_from(("commune-plan", "reference")))
def test_parse_document_returns_document_or_error(text, kind):
    doc = _parse(text, kind)
    if doc is not None:
        assert isinstance(doc, Document) and doc.kind == kind
        assert len({t.id for t in doc.tasks}) == len(doc.tasks)
        assert len({c.id for c in doc.clauses}) == len(doc.clauses)


@SETTINGS
@given(any_text)
def test_parse_document_units_lie_within_the_text(text):
    doc = _parse(text, "commune-plan")
    if doc is None:
        return
    lines = normalize_text(text).count("\n") + 1
    assert all(1 <= t.lines[0] <= t.lines[1] <= lines for t in doc.tasks)


@SETTINGS
@given(st.text())
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@SETTINGS
@given(st.text())
def test_normalize_text_keeps_line_count(text):
    expected = text.replace("\r\n", "\n").replace("\r", "\n").count("\n")
    assert normalize_text(text).count("\n") == expected


@FEW
@given(any_text)
def test_analyze_returns_terms_without_spaces(text):
    terms = analyze(text)
    assert all(isinstance(t, str) and t and not any(c.isspace() for c in t) for t in terms)


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\t", "\u200b", "\ufeff", "...", "-", "I.", "1."])
def test_parse_document_blank_or_marker_only_text_has_no_tasks(text):
    doc = _parse(text, "commune-plan")
    assert doc is None or not doc.tasks
