# Each target sets up what it needs from a fresh clone: only python3 and make assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Tests, demo and docs run BLAS single-threaded: results are then bit-for-bit
# reproducible and small matrices are not slowed by thread start-up.
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# Editable installs in compat mode put the checkout on sys.path, so a clone
# folder named skbp/ cannot shadow the package as an empty namespace package
# (tests/test_install.py).
EDITABLE := --config-settings editable_mode=compat -e
# What the suite installs. skops needs numpy >= 1.25 and dask-ml pandas >= 2,
# newer than skbp's floors: test-min-versions installs "test,onnx" only, and
# skips the skops round trips and the dask tests.
TEST_EXTRAS := test,skops,onnx,dask
MIN_EXTRAS := test,onnx

.PHONY: demo test lint docs figures bench fuzz test-x86-64-v2 test-min-versions clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-%: pyproject.toml Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(EDITABLE) ".[$*]"
	touch $@

$(VENV)/.installed-base: pyproject.toml Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(EDITABLE) .
	touch $@

demo: $(VENV)/.installed-demo
	$(ONE_THREAD) $(BIN)/python examples/demo.py

lint: $(VENV)/.installed-$(TEST_EXTRAS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(ONE_THREAD) $(BIN)/python -m pytest

# The suite again on another rounding path, as an older CPU computes it:
# numpy's SIMD loops cut to its baseline build (x86-64-v2 for numpy 2) by
# disabling every target it dispatches to, and OpenBLAS's Sandybridge (AVX,
# no FMA) kernels. pytest's header shows the BLAS kernel in use.
NPY_DISPATCH = $(shell $(BIN)/python -c "from numpy._core._multiarray_umath import __cpu_dispatch__ as d; print(' '.join(d))")
test-x86-64-v2: $(VENV)/.installed-$(TEST_EXTRAS)
	NPY_DISABLE_CPU_FEATURES="$(NPY_DISPATCH)" OPENBLAS_CORETYPE=Sandybridge \
		$(ONE_THREAD) $(BIN)/python -m pytest -p no:cacheprovider

# The suite on the oldest versions pyproject.toml declares (.ci/min-versions.txt).
test-min-versions: .ci/min-versions.txt pyproject.toml
	test -x .venv-min/bin/python || $(PYTHON) -m venv .venv-min
	.venv-min/bin/python -m pip install --quiet --upgrade pip
	.venv-min/bin/python -m pip install --quiet --only-binary=:all: \
		-c .ci/min-versions.txt $(EDITABLE) ".[$(MIN_EXTRAS)]"
	.venv-min/bin/python -m pip list 2>/dev/null | grep -Ei "^(numpy|scipy|scikit-learn|pandas) "
	$(ONE_THREAD) .venv-min/bin/python -m pytest -p no:cacheprovider

# Property-based tests with many more examples than the suite's fixed set.
fuzz: $(VENV)/.installed-$(TEST_EXTRAS)
	SKBP_FUZZ_PROFILE=long $(ONE_THREAD) $(BIN)/python -m pytest tests/test_fuzz.py

# The documentation's pictures, drawn by the examples that explain them.
figures: $(VENV)/.installed-$(TEST_EXTRAS)
	$(ONE_THREAD) $(BIN)/python examples/monitoring_training.py docs/_static/loss_curve.png

docs: $(VENV)/.installed-docs
	$(ONE_THREAD) $(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .venv-min docs/_build .pytest_cache .ruff_cache
