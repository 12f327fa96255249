"""The parsed units (id, kind, text of every clause and task) of the corpus and of our fixtures, pinned by
digest: a refactoring of the parsers (align/parse, align/schemes.py) must leave them as they are.

A change to what the parsers emit that is meant has to update these digests, with the reason in the
commit (print the new ones with `digest`, below). Only hashes are kept, never the corpus's text.
"""
from __future__ import annotations

import hashlib
import json

import pytest

from align.corpus import Corpus, load_document
from align.types import Document

CORPUS = {
    "nq57": "e835af042ef6b27f", "nq03": "9764fb92dad7fba5", "binh-giang-khcn-2026": "a9e67b806ee8c183",
    "binh-giang-nq57-2026": "8ef1e0e879edfdfd", "nguyen-luong-bang-nq57-2026": "ae7464356aedda6e",
    "binh-thanh-nq57-2026": "9421d44536437fe7", "vu-duong-bcd-2026": "23d846b056e1eddc",
}
REFERENCES = {
    "mini-plan.txt": "c3b2b2107b31701a", "mini-programme.md": "6208d27ccc3965fb",
    "mini-resolution.md": "3567bc352ae4d947", "outline-province.md": "92079215f0b57bdf",
    "task-table.txt": "2715e5662168545b",
}
PLANS = {
    "plans/xa-an-hoa-2026.txt": "4811788fafb427f8", "mini/communes/xa-an-phu.txt": "7da50b1c048654da",
    "mini/communes/xa-binh-minh.txt": "a40f055ee7d05071",
}


def digest(document: Document) -> str:
    units = [[u.id, str(u.kind), u.text] for u in (document.clauses or document.tasks)]
    return hashlib.sha256(json.dumps(units, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


@pytest.mark.corpus
def test_parsed_corpus_documents_are_unchanged(corpus_dir):
    corpus = Corpus(corpus_dir)
    assert {doc_id: digest(corpus.document(doc_id)) for doc_id in CORPUS} == CORPUS


def test_parsed_fixture_references_are_unchanged(fixtures_dir):
    found = {name: digest(load_document(fixtures_dir / "reference" / name, doc_id=name.split(".")[0],
                                        kind="reference", level="province")) for name in REFERENCES}
    assert found == REFERENCES


def test_parsed_fixture_plans_are_unchanged(fixtures_dir):
    found = {name: digest(load_document(fixtures_dir / name, doc_id=name.rsplit("/", 1)[-1].split(".")[0],
                                        kind="commune-plan", level="commune")) for name in PLANS}
    assert found == PLANS
