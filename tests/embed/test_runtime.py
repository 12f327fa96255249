"""Engine settings: threads for the machine, OpenMP and hub defaults, nothing on import."""
import os
import subprocess
import sys
from pathlib import Path

from align.embed.runtime import cpu_threads, prepare_native

ROOT = Path(__file__).resolve().parents[2]


def test_cpu_threads_follows_the_processors_available(monkeypatch):
    monkeypatch.delenv("PLAN_ALIGN_THREADS", raising=False)
    assert cpu_threads() == len(os.sched_getaffinity(0))


def test_cpu_threads_honours_the_environment(monkeypatch):
    monkeypatch.setenv("PLAN_ALIGN_THREADS", "3")
    assert cpu_threads() == 3


def test_prepare_native_keeps_a_value_the_user_set(monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    prepare_native()
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


def test_importing_the_package_changes_no_environment():
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "HF_HUB_OFFLINE")}
    script = ("import os, align, align.cli.main, align.session, align.corpus_index; "
              "print(sorted(k for k in ('OMP_WAIT_POLICY', 'HF_HUB_OFFLINE') if k in os.environ))")
    run = subprocess.run([sys.executable, "-c", script], env=dict(env, PYTHONPATH=str(ROOT)), capture_output=True,
                         text=True, check=True)
    assert run.stdout.strip() == "[]"
