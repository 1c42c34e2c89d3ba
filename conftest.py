"""Test-session settings."""

import os

# scikit-learn's estimator checks include one on array-API input (with numpy
# as the namespace); it only runs when scipy's array-API mode is switched on,
# which has to happen before scipy is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

# Load numpy's and scipy's BLAS so that the limit below reaches both.
import numpy  # noqa: F401
import scipy.linalg  # noqa: F401
from threadpoolctl import threadpool_info, threadpool_limits

# One BLAS thread, however pytest is started: results are reproducible bit for
# bit (tests compare weights exactly) and no test depends on the core count.
_ONE_THREAD = threadpool_limits(limits=1, user_api="blas")


def pytest_report_header(config):
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    kinds = sorted({f"{i['internal_api']} {i['architecture']}" for i in blas})
    threads = sorted({i["num_threads"] for i in blas})
    return f"BLAS: {', '.join(kinds)}; threads per library: {threads}"
