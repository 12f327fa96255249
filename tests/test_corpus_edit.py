import json

from align.corpus_edit import manifest_text, slug


def test_slug_makes_an_id_of_a_file_name():
    assert slug("Kế hoạch Bình An 2026") == "ke-hoach-binh-an-2026"


def test_manifest_text_reads_back_as_the_same_manifest():
    data = {"version": 2, "documents": [{"id": "a", "title": "Xã Đông"}, {"id": "b", "parents": ["a"]}]}
    text = manifest_text(data)
    assert json.loads(text) == data and len(text.splitlines()) == 7
