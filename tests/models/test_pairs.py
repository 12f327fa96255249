"""Training pairs come from document structure only, and LOCO variants can drop a commune's pairs."""
from __future__ import annotations

from collections import Counter

import pytest

from align.models.pairs import (MIN_JACCARD, NQ03, NQ57, SOURCES, TrainingPair, communes, heading_item,
                                mine_pairs, pairs_hash, source_counts, without_commune)

TITLES_WORDS = {
    1: "Nâng cao nhận thức về chuyển đổi số trong toàn xã hội",
    2: "Hoàn thiện thể chế, chính sách về khoa học công nghệ",
    3: "Đầu tư hạ tầng viễn thông và trung tâm dữ liệu",
}


@pytest.fixture(scope="module")
def corpus(corpus_dir):
    from align.corpus import Corpus

    return Corpus(corpus_dir)


@pytest.fixture(scope="module")
def pairs(corpus) -> list[TrainingPair]:
    return mine_pairs(corpus)


def _titles() -> dict[int, set[str]]:
    from align.text.analyze import analyze

    return {item: set(analyze(text)) for item, text in TITLES_WORDS.items()}


def _item_of(uid: str) -> str:
    doc, unit = uid.split("#")
    return ".".join(unit.split(".")[:2]) if doc == NQ57 else unit


def test_heading_item_matches_a_copied_title():
    assert heading_item("2. Hoàn thiện thể chế, chính sách về khoa học, công nghệ", _titles()) == 2


def test_heading_item_rejects_a_heading_sharing_only_some_words():
    assert heading_item("3. Phát triển hạ tầng số", _titles()) is None


def test_pairs_hash_changes_when_a_pair_changes():
    pair = TrainingPair("a", "b", None, "test", "x#1", "y#1")
    other = TrainingPair("a", "c", None, "test", "x#1", "y#1")
    assert pairs_hash([pair]) == pairs_hash([pair]) != pairs_hash([other])


def test_mine_pairs_without_the_references_raises(fixtures_dir):
    from align.corpus import Corpus
    from align.errors import ModelError

    with pytest.raises(ModelError, match="need the references 'nq57' and 'nq03'"):
        mine_pairs(Corpus(fixtures_dir / "mini"))


@pytest.mark.corpus
def test_mine_pairs_counts_by_source(pairs, corpus):
    nq03 = corpus.document(NQ03).clauses
    section_iii = [c for c in corpus.document(NQ57).clauses if c.id.startswith("III.")]
    counts = source_counts(pairs)
    assert set(counts) == set(SOURCES)
    assert counts["pl2-nq57"] == counts["pl2-prog"] == sum(c.id.startswith("PL2.") for c in nq03)
    assert counts["prog-nq57"] == sum(c.id.startswith("P.II.") for c in nq03)
    assert counts["nq57-heading"] == len(section_iii)
    assert counts["commune-nq57"] == counts["commune-nq03"] > 50


@pytest.mark.corpus
def test_mine_pairs_commune_pairs_sit_under_an_item_heading(pairs, corpus):
    from align.text.analyze import analyze

    items = {}
    for clause in corpus.document(NQ57).clauses:
        if clause.id.startswith("III."):
            items.setdefault(int(clause.id.split(".")[1]), set(analyze(clause.heading)))
    tasks = {f"{d.id}#{t.id}": t for d in corpus.plans() for t in d.tasks}
    for pair in (p for p in pairs if p.source == "commune-nq57"):
        item = int(pair.positive_id.split("#")[1].split(".")[1])
        headings = [set(analyze(h)) for h in tasks[pair.anchor_id].heading_path]
        assert any(len(h & items[item]) / len(h | items[item]) >= MIN_JACCARD for h in headings), pair.anchor_id


@pytest.mark.corpus
def test_mine_pairs_anchors_are_units_of_the_documents(pairs, corpus):
    texts = {f"{d.id}#{c.id}": c.text for d in corpus.references() for c in d.clauses}
    texts.update({f"{d.id}#{t.id}": t.text for d in corpus.plans() for t in d.tasks})
    for pair in pairs:
        if pair.source != "nq57-heading":
            assert texts[pair.anchor_id] == pair.anchor
        assert texts[pair.positive_id] == pair.positive


@pytest.mark.corpus
def test_mine_pairs_negatives_come_from_other_items(pairs):
    with_negative = [p for p in pairs if p.negative_id]
    assert len(with_negative) > 0.9 * len(pairs)
    assert all(_item_of(p.negative_id) != _item_of(p.positive_id) for p in with_negative
               if p.positive_id.startswith(NQ57))


@pytest.mark.corpus
def test_mine_pairs_only_commune_sources_carry_a_commune(pairs, corpus):
    names = set(communes(corpus))
    for pair in pairs:
        assert (pair.commune in names) if pair.source.startswith("commune-") else pair.commune is None


@pytest.mark.corpus
def test_without_commune_drops_exactly_that_communes_pairs(pairs, corpus):
    per_commune = Counter(p.commune for p in pairs)
    for commune in communes(corpus):
        kept = without_commune(pairs, commune)
        assert all(p.commune != commune for p in kept)
        assert len(kept) == len(pairs) - per_commune[commune]
    assert without_commune(pairs, None) == pairs


@pytest.mark.corpus
def test_communes_lists_each_commune_once(corpus):
    assert communes(corpus) == ["Bình Giang", "Nguyễn Lương Bằng", "Bình Thành", "Vũ Dương"]
