"""Test-session settings."""

import os

# scikit-learn's estimator checks include one on array-API input (with numpy
# as the namespace); it only runs when scipy's array-API mode is switched on,
# which has to happen before scipy is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
