#!/usr/bin/env bash
# GPU check: lossplateau's model on the Keras JAX or PyTorch backend (the lent GPU machines have those, not
# TensorFlow). Trains a few epochs of the question's model and of the GPU variant (BiGRUConfig.gpu()) on FOLDOC
# and prints documents per second for each, and the device. Under 5 minutes.
#
#   benchmarks/gpu_check.sh                  # first of jax, torch that imports
#   BACKEND=torch benchmarks/gpu_check.sh    # a given backend
#   PYTHON=/path/to/python benchmarks/gpu_check.sh --docs 1000 --epochs 3
#
# Without JAX and PyTorch (or without keras / the library's other dependencies) it says so and exits 0.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || PY=python
backend=${BACKEND:-}
if [ -z "$backend" ]; then
  for b in jax torch; do
    if "$PY" -c "import $b" >/dev/null 2>&1; then backend=$b; break; fi
  done
fi
if [ -z "$backend" ]; then
  echo "gpu_check: SKIPPED: neither JAX nor PyTorch is importable by $PY; install one (with GPU support on a GPU machine) to run this check."
  exit 0
fi
export KERAS_BACKEND=$backend
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export TF_CPP_MIN_LOG_LEVEL=2
# JAX preallocates most of the GPU's memory by default; this check needs little.
export XLA_PYTHON_CLIENT_PREALLOCATE=false
exec timeout 290 "$PY" benchmarks/gpu_check.py "$@"
