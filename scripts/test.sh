#!/usr/bin/env bash
# The whole test suite: set-up, C++ tests (doctest through CTest), Python tests (pytest, incl. the
# docstring examples), and the examples. EMBER_FULL_SWEEP=1 runs the op-table sweeps in full.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python=${PYTHON:-python3}

echo "== C++ tests"
ctest --test-dir build/python --output-on-failure

echo "== Python tests"
# Run from the tests folder so `import ember` finds the installed package, not the source tree.
# Two workers: the op-table sweeps compile one function per case on the CPU backend.
"$python" -m pytest tests/python -p no:cacheprovider -n 2
# jit's default is the native cpu backend; the tests built around jit run on the reference executor too.
EMBER_BACKEND=interpreter "$python" -m pytest -p no:cacheprovider -n 2 tests/python/test_jit.py \
  tests/python/test_control_flow.py tests/python/test_custom_derivatives.py tests/python/test_checkpoint.py \
  tests/python/test_callbacks.py tests/python/test_transforms.py tests/python/test_random.py
"$python" -m pytest --doctest-modules --pyargs ember -p no:cacheprovider

echo "== The cuda backend on the emulated CUDA device (tests/cuda_emulator: no GPU needed)"
emulator=build/python/tests/cuda_emulator/libember_cuda_emulator.so
if [ -f "$emulator" ]; then
  EMBER_LIBCUDA=$emulator EMBER_NVRTC=$emulator EMBER_CUBLAS=$emulator \
    "$python" -m pytest tests/cuda_device -p no:cacheprovider -n 2
else
  echo "not built: the CUDA toolkit's headers were not found (the cuda backend is not built either)"
fi

echo "== Examples"
for ex in build/python/examples/example_*; do
  [ -x "$ex" ] && "$ex" > /dev/null && echo "ok $ex"
done
for ex in examples/*.py; do
  "$python" "$ex" > /dev/null && echo "ok $ex"
done
