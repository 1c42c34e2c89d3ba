"""Peak memory of a minibatch fit beyond the training data, each in its own process."""

import subprocess
import sys

SCRIPT = """
import numpy as np, warnings
warnings.simplefilter("ignore")
from {module} import {cls} as Estimator

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024

rng = np.random.default_rng(0)
X = rng.standard_normal(({n}, {d}))
y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
Estimator(hidden_layer_sizes=(64,), max_iter=1, random_state=0).fit(X[:500], y[:500])
before = status("VmRSS")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak (VmHWM) to the current size
Estimator(hidden_layer_sizes=(256, 128), batch_size=200, max_iter=2, random_state=0).fit(X, y)
print(status("VmHWM") - before)
"""

WHERE = {
    "skbp": ("skbp", "BackpropClassifier"),
    "sklearn": ("sklearn.neural_network", "MLPClassifier"),
}


def peak_fit_mib(library, n, d):
    module, cls = WHERE[library]
    code = SCRIPT.format(module=module, cls=cls, n=n, d=d)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])
