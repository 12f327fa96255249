import numpy as np

from align.decide.cache import CoverageCache
from align.types import PlanCoverage


def test_coverage_cache_corrupted_file_is_moved_aside_and_refilled(tmp_path):
    path = tmp_path / "plans.sqlite"
    path.write_bytes(b"not a database" * 300)
    assert CoverageCache(path).get_many(["k"]) == {}
    CoverageCache(path).put_many({"k": PlanCoverage("xa-a", "t", 2, np.ones(3, np.float32))})
    found = CoverageCache(path).get_many(["k"])
    assert found["k"].tasks == 2 and len(list(tmp_path.glob("plans.sqlite.corrupt-*"))) == 1
