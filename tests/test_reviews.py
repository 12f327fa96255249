import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from align.errors import PlanAlignError
from align.paths import data_root as data_dir
from align.reviews import ReviewStore, for_plan, in_force, text_hash

from tests.handmade import make_plan

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Số hóa hồ sơ thủ tục hành chính."


@pytest.fixture()
def store(tmp_path):
    with ReviewStore(tmp_path / "reviews.sqlite") as found:
        yield found


def test_data_dir_prefers_plan_align_data(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAN_ALIGN_DATA", str(tmp_path / "mine"))
    assert data_dir() == tmp_path / "mine"


def test_data_dir_falls_back_to_xdg_data_home_not_the_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("PLAN_ALIGN_DATA", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert data_dir() == tmp_path / "share" / "plan-align"


def test_review_store_is_in_wal_mode(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_review_store_existing_never_creates_a_file(tmp_path):
    assert ReviewStore.existing(tmp_path / "none.sqlite") is None and not (tmp_path / "none.sqlite").exists()


def test_review_store_latest_decision_per_task_and_ref_wins(store):
    store.decide("p", "t1", TEXT, "nq57", "accept", "III.1.1", "An")
    later = store.decide("p", "t1", TEXT, "nq57", "choose", "III.5.1", "Bình")
    store.decide("p", "t1", TEXT, "nq03", "reject", "II.1", "An")
    current = store.current("p")
    assert current[("t1", "nq57")] == later and current[("t1", "nq03")].action == "reject"


def test_review_store_decision_names_what_it_replaced(store):
    first = store.decide("p", "t1", TEXT, "nq57", "accept", "III.1.1", "An")
    assert store.decide("p", "t1", TEXT, "nq57", "reject", "III.1.1", "An").replaces == first.uid


def test_review_store_history_keeps_every_row_with_reviewer_and_utc_time(store):
    store.decide("p", "t1", TEXT, "nq57", "accept", "III.1.1", "An")
    store.decide("p", "t1", TEXT, "nq57", "reject", "III.1.1", "Bình")
    rows = store.history("p")
    assert [(r.reviewer, r.action) for r in rows] == [("An", "accept"), ("Bình", "reject")]
    assert all(r.time.endswith("+00:00") for r in rows)


def test_review_store_undo_puts_back_the_replaced_decision(store):
    first = store.decide("p", "t1", TEXT, "nq57", "accept", "III.1.1", "An")
    store.decide("p", "t1", TEXT, "nq57", "reject", "III.1.1", "An")
    store.undo("p", "t1", "nq57", "An")
    assert store.current("p")[("t1", "nq57")] == first
    store.undo("p", "t1", "nq57", "An")
    assert store.current("p") == {} and len(store.history("p")) == 4


def test_review_store_undo_without_a_decision_raises(store):
    with pytest.raises(PlanAlignError, match="no decision to undo"):
        store.undo("p", "t1", "nq57", "An")


def test_review_store_rejects_an_unknown_action(store):
    with pytest.raises(PlanAlignError, match="unknown review action"):
        store.decide("p", "t1", TEXT, "nq57", "maybe", "III.1.1", "An")


def test_review_store_serves_none_takes_no_clause(store):
    with pytest.raises(PlanAlignError, match="takes no clause"):
        store.decide("p", "t1", TEXT, "nq57", "none", "III.1.1", "An")


def test_review_store_export_import_round_trips_once(store, tmp_path):
    store.decide("p", "t1", TEXT, "nq57", "accept", "III.1.1", "An")
    store.decide("p", "t2", "Khác.", "nq57", "none", None, "Bình")
    lines = list(store.export())
    with ReviewStore(tmp_path / "other.sqlite") as other:
        assert other.import_lines(lines) == 2 and other.import_lines(lines) == 0
        assert other.history() == store.history()
    assert json.loads(lines[0])["reviewer"] == "An"


def test_review_store_import_names_the_bad_line_and_writes_nothing(store):
    good = json.dumps({"uid": "u1", "plan_id": "p", "task_id": "t1", "task_hash": "h", "ref": "nq57",
                       "action": "accept", "clause_id": "III.1.1", "reviewer": "An", "time": "2026-01-01T00:00:00"})
    with pytest.raises(PlanAlignError, match="in.jsonl:2"):
        store.import_lines([good, '{"uid": 3}'], "in.jsonl")
    assert store.history() == []


def test_in_force_ignores_an_undo_of_a_decision_already_replaced(store):
    first = store.decide("p", "t1", TEXT, "nq57", "accept", "III.1.1", "An")
    undo = store.undo("p", "t1", "nq57", "An")
    again = store.decide("p", "t1", TEXT, "nq57", "reject", "III.1.1", "An")
    assert in_force([first, again, undo]) == {("t1", "nq57"): again}


def test_for_plan_follows_a_task_whose_id_moved_and_drops_an_edited_one(store):
    store.decide("p", "t1", TEXT, "nq57", "accept", "III.1.1", "An")
    store.decide("p", "t2", "Một việc đã bị xóa.", "nq57", "accept", "III.1.2", "An")
    plan = make_plan("p", ["Việc mới ở đầu.", TEXT])
    placed, stale = for_plan(store.current("p"), plan)
    assert set(placed) == {(1, "nq57")} and [d.task_id for d in stale] == ["t2"]


def test_text_hash_ignores_spacing_and_unicode_form():
    import unicodedata

    assert text_hash("Số  hóa hồ sơ ") == text_hash(unicodedata.normalize("NFD", "Số hóa hồ sơ"))


WRITER = textwrap.dedent("""
    import sys
    from align.reviews import ReviewStore
    store = ReviewStore(sys.argv[1])
    for i in range(int(sys.argv[3])):
        store.decide("p", f"t{i % 5}", "x", "nq57", "accept", f"III.{i}", sys.argv[2])
        print(i, flush=True)
""")


def _writer(path, name, count):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(count)], env=env,
                            stdout=subprocess.PIPE, text=True)


def test_review_store_two_processes_writing_one_plan_lose_no_decision(tmp_path):
    path = tmp_path / "reviews.sqlite"
    ReviewStore(path).close()
    writers = [_writer(path, name, 40) for name in ("An", "Bình")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    with ReviewStore(path) as store:
        rows = store.history("p")
    assert sorted((r.reviewer, r.clause_id) for r in rows) == sorted(
        (name, f"III.{i}") for name in ("An", "Bình") for i in range(40))


def test_review_store_keeps_committed_decisions_when_killed(tmp_path):
    path = tmp_path / "reviews.sqlite"
    writer = _writer(path, "An", 100000)
    done = [writer.stdout.readline() for _ in range(20)]
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    with ReviewStore(path) as store:
        assert len(store.history("p")) >= len(done) == 20
