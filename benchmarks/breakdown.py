"""Where one training batch of the large benchmark network spends its time.

Times each stage of one Adam step of skbp's core on the 784-256-128-10 relu
network with batches of 256 (the ``large`` workload of ``run.py``), and the
matrix products of each pass alone, so that the gap between an epoch and the
GEMM floor can be read off stage by stage.

    python benchmarks/breakdown.py [--threads 1] [--dtype float32]

BLAS threads are fixed with threadpoolctl (default 1, printed in the header).
"""

import argparse
import platform
import timeit

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from skbp._core import Adam, Network
from skbp._core.training import Batches

SIZES = [784, 256, 128, 10]
BATCH = 256


def median_seconds(fn, number=20, repeat=15):
    return float(np.median(timeit.repeat(fn, number=number, repeat=repeat))) / number


def setup(dtype):
    rng = np.random.RandomState(0)
    X_all = rng.standard_normal((12 * BATCH, SIZES[0])).astype(dtype)
    Y_all = np.eye(SIZES[-1], dtype=dtype)[rng.randint(SIZES[-1], size=len(X_all))]
    net = Network(SIZES, "relu", "log_loss", dtype).initialize(rng)
    batches = Batches((X_all, Y_all, None), BATCH, shuffle=True)
    X, Y, _ = batches._gather(rng.permutation(len(X_all))[:BATCH])
    return net, batches, rng, X.copy(), Y.copy()


def gemm_passes(net, X, rows):
    """The products of each pass alone, into buffers of their own."""
    a = [X, *rows.activations[:-1]]
    z = [np.empty_like(r) for r in rows.activations]
    grad_W = [np.empty_like(W) for W in net.coefs]
    error = [np.empty_like(x) for x in a]
    W, deltas = net.coefs, rows.deltas

    def forward():
        for k in range(3):
            np.matmul(a[k], W[k], out=z[k])

    def weight_gradients():
        for k in range(3):
            np.matmul(a[k].T, deltas[k], out=grad_W[k])

    def errors_sent_back():  # none for the input layer
        for k in (1, 2):
            np.matmul(deltas[k], W[k].T, out=error[k])

    return forward, weight_gradients, errors_sent_back


def stages(dtype):
    """(name, seconds per batch) for every stage of one step, then the GEMMs alone."""
    net, batches, rng, X, Y = setup(dtype)
    ws = net.workspace(BATCH)
    rows = ws.rows(BATCH)
    adam = Adam(net.n_params, dtype)
    net.loss_and_gradient(X, Y, None, 1e-4, ws)
    idx = rng.permutation(batches.X.shape[0])[:BATCH]
    forward, weight_gradients, errors_sent_back = gemm_passes(net, X, rows)
    return [
        ("gather a shuffled batch", median_seconds(lambda: batches._gather(idx))),
        ("forward pass", median_seconds(lambda: net.forward(X, ws))),
        ("loss terms", median_seconds(lambda: net._errors(Y, rows.activations[-1], rows.y_hat))),
        ("backward pass", median_seconds(lambda: net.backward(X, ws))),
        ("L2 penalty", median_seconds(lambda: net._add_l2_penalty(1e-4 / BATCH, ws))),
        ("Adam step", median_seconds(lambda: adam.step(net.params, ws.grad))),
        ("whole step", median_seconds(lambda: _step(net, adam, X, Y, ws))),
        ("  GEMM: forward a W (3)", median_seconds(forward)),
        ("  GEMM: grad_W = a^T delta (3)", median_seconds(weight_gradients)),
        ("  GEMM: delta W^T (2)", median_seconds(errors_sent_back)),
    ]


def _step(net, adam, X, Y, ws):
    net.loss_and_gradient(X, Y, None, 1e-4, ws)
    adam.step(net.params, ws.grad)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    args = parser.parse_args(argv)
    blas = [f"{i['internal_api']} ({i.get('architecture')})" for i in threadpool_info()]
    print(f"python {platform.python_version()}, numpy {np.__version__}, BLAS: {', '.join(blas)}")
    print(f"threads: {args.threads}; {SIZES} relu, batch {BATCH}, adam, {args.dtype}\n")
    with threadpool_limits(args.threads):
        results = stages(np.dtype(args.dtype))
    total = dict(results)["whole step"]
    for name, seconds in results:
        print(f"{name:34s} {seconds * 1e6:9.1f} us  {seconds / total:6.1%}")
    gemm = sum(s for name, s in results if "GEMM" in name)
    print(f"\n{'GEMM floor (sum of the above)':34s} {gemm * 1e6:9.1f} us  {gemm / total:6.1%}")
    print(f"{'everything else in a step':34s} {(total - gemm) * 1e6:9.1f} us")
    return results


if __name__ == "__main__":
    main()
