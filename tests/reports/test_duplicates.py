from align.corpus_index import task_records
from align.reports.duplicates import PAIR_COLUMNS, duplicates_to_json, pair_rows
from align.types import DuplicatePair, Reason

from tests.handmade import make_plan


def _pairs():
    plan = make_plan("p", ["Một việc.", "một việc", "Lắp camera ở trung tâm xã.", "Trang bị thiết bị giám sát."])
    r = task_records(plan)
    return plan, [DuplicatePair(r[0], r[1], 1.0, 1.0, "exact", 1, 0.99, Reason("same_words")),
                  DuplicatePair(r[2], r[3], 0.95, 0.2, "paraphrase", 1, 0.8,
                                Reason("paraphrase", {"terms": ["camera"], "cosine": 0.95, "lead": Reason("none")}))]


def test_duplicates_to_json_has_the_contract_keys():
    plan, pairs = _pairs()
    data = duplicates_to_json(plan, pairs, False, 0.5, 0.7)
    assert {"plan", "across", "threshold", "near_similarity", "counts", "pairs"} <= set(data)
    assert data["plan"]["id"] == "p" and data["threshold"] == 0.5


def test_duplicates_to_json_pairs_carry_their_reason_and_probability():
    plan, pairs = _pairs()
    pair = duplicates_to_json(plan, pairs, False, 0.5, 0.7)["pairs"][1]
    assert {"a", "b", "score", "similarity", "kind", "probability", "reason"} <= set(pair)
    assert pair["reason"] == "same content words (camera); cosine 0.950" and set(pair["a"]) >= {"id", "text", "plan"}


def test_duplicates_to_json_counts_each_kind():
    plan, pairs = _pairs()
    assert duplicates_to_json(plan, pairs, True, 0.5, 0.7)["counts"] == {"exact": 1, "near": 0, "paraphrase": 1}


def test_pair_rows_fill_every_column():
    _, pairs = _pairs()
    rows = pair_rows(pairs)
    assert all(set(PAIR_COLUMNS) <= set(row) for row in rows)
    assert (rows[0]["a_id"], rows[0]["b_id"], rows[0]["b_plan"]) == ("t1", "t2", "p")
