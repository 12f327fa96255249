from align.records import RecordTable
from align.types import IndexRecord


def _record(i: int, doc: str = "xa-a") -> IndexRecord:
    return IndexRecord(uid=f"{doc}#{i}", doc_id=doc, id=str(i), kind="task", role="task",
                       text=f"Nhiệm vụ số {i}: số hóa hồ sơ “một cửa”\u2028dòng hai", heading_path=("I", "1"),
                       fields={"lead": "UBND xã"})


def test_record_table_round_trip(tmp_path):
    table = RecordTable.from_records([_record(i) for i in range(5)])
    table.save(tmp_path)
    assert RecordTable.load(tmp_path) == [_record(i) for i in range(5)]


def test_record_table_columns_need_no_decoding(tmp_path):
    RecordTable.from_records([_record(0, "xa-a"), _record(1, "xa-b")]).save(tmp_path)
    loaded = RecordTable.load(tmp_path)
    assert loaded.uids == ["xa-a#0", "xa-b#1"] and loaded.doc_ids == ["xa-a", "xa-b"]
    assert loaded._decoded == {}


def test_record_table_take_reorders(tmp_path):
    table = RecordTable.from_records([_record(i) for i in range(4)])
    assert [r.id for r in table.take([3, 1])] == ["3", "1"]


def test_record_table_concat_keeps_order():
    joined = RecordTable.concat([RecordTable.from_records([_record(0)]), RecordTable.from_records([_record(1)])])
    assert joined.uids == ["xa-a#0", "xa-a#1"] and joined[-1] == _record(1)


def test_record_table_extend_appends():
    table = RecordTable.from_records([_record(0)])
    table.extend([_record(1)])
    assert len(table) == 2 and table[1] == _record(1) and table.uids[1] == "xa-a#1"
