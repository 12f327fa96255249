"""Running the real command line in a subprocess, as a user would."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.fixture()
def run_cli(_isolated_cache):
    def run(*args: str, cwd=None, env: dict | None = None, umask: int | None = None) -> subprocess.CompletedProcess:
        environment = dict(os.environ, PLAN_ALIGN_CACHE=str(_isolated_cache), **(env or {}))
        return subprocess.run([sys.executable, "-m", "align.cli", *map(str, args)], capture_output=True,
                              text=True, cwd=cwd, env=environment, timeout=600,
                              preexec_fn=None if umask is None else (lambda: os.umask(umask)))

    return run
