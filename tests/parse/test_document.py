"""parse_document: kind/level/title guesses, hash, blocks, tasks or clauses, citations."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from align.errors import InputError
from align.parse.citations import known_from_manifest
from align.parse.document import guess_level, parse_document
from align.parse.structure import parse_blocks
from align.text.normalize import normalize_text

FIXTURE = Path(__file__).resolve().parents[2] / "corpus" / "fixtures" / "plans" / "xa-an-hoa-2026.txt"


def fixture_document(**kwargs):
    raw = FIXTURE.read_text(encoding="utf-8")
    return parse_document(normalize_text(raw), doc_id="an-hoa", raw=raw, path=str(FIXTURE), **kwargs)


def test_parse_document_plan_metadata():
    doc = fixture_document()
    assert (doc.id, doc.kind, doc.level, doc.path) == ("an-hoa", "commune-plan", "commune", str(FIXTURE))
    assert doc.title == "Kế hoạch ứng dụng công nghệ số trong công tác của xã An Hòa năm 2026"


def test_parse_document_content_hash_is_sha256_of_text():
    text = normalize_text(FIXTURE.read_text(encoding="utf-8"))
    doc = parse_document(text, doc_id="x")
    assert doc.content_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_parse_document_plan_has_blocks_tasks_citations_no_clauses():
    doc = fixture_document()
    assert len(doc.tasks) == 21 and doc.clauses == ()
    assert doc.blocks[0].id == "b1"
    assert [c.number for c in doc.citations] == ["77/KH-UBND", "57-NQ/TW", "345/STTTT-CĐS"]
    assert doc.meta["tasks"] == {"targets": 5, "body": 7, "implementation": 4, "appendix": 5}


def test_parse_document_uses_raw_for_bold_group_rows():
    with_raw, without = fixture_document(), parse_document(
        normalize_text(FIXTURE.read_text(encoding="utf-8")), doc_id="an-hoa")
    assert [t.fields.get("group") for t in with_raw.tasks if t.id.startswith("PL1.")] == ["I", "I", "II", "II", "II"]
    assert [t.id for t in with_raw.tasks] == [t.id for t in without.tasks]


def test_parse_document_keeps_given_title_level_and_kind():
    doc = fixture_document(title="Kế hoạch An Hòa", level="province", kind="commune-plan")
    assert (doc.title, doc.level, doc.kind) == ("Kế hoạch An Hòa", "province", "commune-plan")


def test_parse_document_passes_known_numbers_to_citations():
    doc = fixture_document(known={"77/KH-UBND": "thanh-son-77"})
    assert [c.doc_id for c in doc.citations] == ["thanh-son-77", None, None]


def test_parse_document_empty_text_is_an_input_error():
    with pytest.raises(InputError, match="empty.txt: no text"):
        parse_document("  \n\n", doc_id="e", path="empty.txt")


@pytest.mark.parametrize("header, level", [
    ("KẾ HOẠCH\n\nThực hiện Kế hoạch của UBND tỉnh Nam Sơn, Ủy ban nhân dân xã Phú Lộc ban hành:", "commune"),
    ("KẾ HOẠCH\n\nỦy ban nhân dân tỉnh Nam Sơn ban hành kế hoạch thực hiện nghị quyết của Chính phủ:", "province"),
    ("NGHỊ QUYẾT\n\nCăn cứ Nghị quyết của Bộ Chính trị, Chính phủ quyết nghị:", "government"),
    ("NGHỊ QUYẾT\n\nBộ Chính trị yêu cầu quán triệt các nội dung sau:", "central"),
])
def test_guess_level_from_the_most_local_issuer(header, level):
    assert guess_level(parse_blocks(header + "\n\nI. NỘI DUNG\n\n- Làm A.")) == level


def test_parse_document_non_commune_text_is_a_reference():
    pytest.importorskip("align.parse.reference")
    text = ("NGHỊ QUYẾT\n\nBộ Chính trị yêu cầu:\n\nI- QUAN ĐIỂM\n\n1. Phát triển khoa học là đột phá.\n\n"
            "II- NHIỆM VỤ, GIẢI PHÁP\n\n1. Nâng cao nhận thức\n\n- Quán triệt sâu sắc.")
    doc = parse_document(text, doc_id="ref")
    assert (doc.kind, doc.level, doc.tasks) == ("reference", "central", ())
    assert doc.clauses and all(c.doc_id == "ref" for c in doc.clauses)


@pytest.mark.corpus
def test_corpus_documents_kind_level_and_counts(corpus_dir):
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    known = known_from_manifest(manifest)
    for entry in manifest["documents"]:
        raw = (corpus_dir / entry["path"]).read_text(encoding="utf-8")
        doc = parse_document(normalize_text(raw), doc_id=entry["id"], raw=raw, known=known)
        assert (doc.kind, doc.level) == (entry["kind"], entry["level"]), entry["id"]
        assert bool(doc.tasks) == (doc.kind == "commune-plan"), entry["id"]
