"""The synthetic corpus generator the benchmark uses (align.synth), on our own sentences."""
from __future__ import annotations

import json
import random
import re

import pytest

from align.corpus import Corpus
from bench.synth import (drop_words, edit_text, read_sidecar, reorder_clauses, swap_abbreviation, swap_synonym,
                         write_synthetic_corpus)
from align.text.normalize import fold

SENTENCE = "Tổ chức tập huấn chuyển đổi số cho cán bộ xã; hướng dẫn người dân dùng dịch vụ công; lắp loa ở thôn."


def test_drop_words_removes_words_but_keeps_the_opening():
    out = drop_words(SENTENCE, random.Random(1))
    assert len(out.split()) < len(SENTENCE.split()) and out.split()[:2] == SENTENCE.split()[:2]


def test_swap_abbreviation_contracts_or_expands_a_known_term():
    out = swap_abbreviation("Đẩy mạnh chuyển đổi số trong UBND xã.", random.Random(0))
    assert out != "Đẩy mạnh chuyển đổi số trong UBND xã." and ("CĐS" in out or "CDS" in out or "ủy ban" in out)


def test_swap_synonym_replaces_one_phrase():
    out = swap_synonym("Triển khai kế hoạch trên địa bàn xã.", random.Random(0))
    assert out in {"Thực hiện kế hoạch trên địa bàn xã.", "Triển khai kế hoạch trên địa phương xã."}


def test_reorder_clauses_keeps_first_clause_and_every_word():
    out = reorder_clauses(SENTENCE, random.Random(3))
    words = sorted(re.findall(r"\w+", out))
    assert out != SENTENCE and out.startswith("Tổ chức tập huấn") and words == sorted(re.findall(r"\w+", SENTENCE))


def test_edit_text_names_the_edits_that_changed_the_text():
    text, edits = edit_text(SENTENCE, random.Random(5))
    assert text != SENTENCE and edits and set(edits) <= {"drop", "abbrev", "synonym", "reorder"}


@pytest.fixture()
def synthetic(mini_corpus, tmp_path):
    return write_synthetic_corpus(Corpus(mini_corpus), tmp_path / "synth", 4, seed=7, tasks_range=(6, 9))


def test_write_synthetic_corpus_plans_parse_back_to_the_generated_tasks(synthetic):
    corpus = Corpus(synthetic.root)
    parsed = sorted(fold(t.text) for doc in corpus.plans() for t in doc.tasks)
    assert parsed == sorted(fold(t.text) for t in synthetic.tasks)


def test_write_synthetic_corpus_copies_references_and_lists_plans(synthetic, mini_corpus):
    manifest = json.loads((synthetic.root / "manifest.json").read_text(encoding="utf-8"))
    ids = [d["id"] for d in manifest["documents"]]
    assert ids == ["ref-mini", *synthetic.plan_ids]
    assert (synthetic.root / "reference" / "ref-mini.md").read_bytes() == \
        (mini_corpus / "reference" / "ref-mini.md").read_bytes()


def test_write_synthetic_corpus_smaller_corpus_is_a_prefix(mini_corpus, tmp_path, synthetic):
    small = write_synthetic_corpus(Corpus(mini_corpus), tmp_path / "small", 2, seed=7, tasks_range=(6, 9))
    assert [(t.plan_id, t.text) for t in small.tasks] == \
        [(t.plan_id, t.text) for t in synthetic.tasks if t.plan_id in small.plan_ids]


def test_write_synthetic_corpus_start_appends_plans(mini_corpus, synthetic):
    added = write_synthetic_corpus(Corpus(mini_corpus), synthetic.root, 5, seed=7, tasks_range=(6, 9), start=4)
    assert added.plan_ids == ("synth-00004",)
    assert len(Corpus(synthetic.root).plans()) == 5
    assert len(read_sidecar(synthetic.root)) == len(synthetic.tasks) + len(added.tasks)
