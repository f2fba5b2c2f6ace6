#!/usr/bin/env bash
# The CUDA backend on this machine's GPU: builds ember with the CPU backend off (a GPU machine may have the
# CUDA toolkit, CMake, pybind11 and NumPy but no MLIR, no OpenBLAS and no package registries), runs the
# op-table sweep and the transform sweeps on the CUDA device against the reference executor, then the GPU
# benchmarks. Ends with a line "N passed, M failed".
#   bash tests/gpu/run.sh            (EMBER_GPU_QUICK=1: the sampled sweeps instead of every case)
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build/gpu"
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DEMBER_PYTHON=ON \
  -DEMBER_CPU_BACKEND=OFF -DEMBER_BUILD_TESTS=OFF -DEMBER_BUILD_EXAMPLES=OFF \
  -Dpybind11_DIR="$(python3 -c 'import pybind11; print(pybind11.get_cmake_dir())')" > "$build.cmake.log" 2>&1 \
  || { cat "$build.cmake.log"; echo "0 passed, 1 failed (configure)"; exit 1; }
cmake --build "$build" --target _core -j "$(nproc)" > "$build.build.log" 2>&1 \
  || { tail -50 "$build.build.log"; echo "0 passed, 1 failed (build)"; exit 1; }

site="$build/pythonpath"
rm -rf "$site" && mkdir -p "$site/ember"
for entry in "$root"/python/ember/*; do
  case "$(basename "$entry")" in _core*) continue ;; esac
  ln -s "$entry" "$site/ember/"
done
ln -s "$build"/python/_core*.so "$site/ember/"
# ember.aot's CUDA objects include runtime/services.h (pip installs it under ember/aot_support).
mkdir -p "$site/ember/aot_support" && ln -s "$root/runtime/services.h" "$site/ember/aot_support/"
export PYTHONPATH="$site"
python3 -c "import ember as em; print('devices:', em.devices()); print(em._core._cuda_status())"
if ! python3 -c "import ember as em, sys; sys.exit(0 if em._core._cuda_status()['available'] else 1)"; then
  echo "0 passed, 1 failed (no usable CUDA device, see the status above)"
  exit 1
fi

[ "${EMBER_GPU_QUICK:-0}" = 1 ] || export EMBER_FULL_SWEEP=1
export EMBER_TEST_COMPILED_BACKEND=cuda
cd "$root/tests/python"
python3 -m pytest -q -p no:cacheprovider -rf --tb=line -k "compiled or cuda" test_opdb.py test_transform_sweep.py \
  test_devices.py ../cuda_device 2>&1 | tee "$build/pytest.log"
cd "$root"
python3 bench/gpu_targets.py 2>&1 | tee "$build/bench.log"

passed=$(grep -Eo '[0-9]+ passed' "$build/pytest.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
failed=$(grep -Eo '[0-9]+ failed' "$build/pytest.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
echo "$passed passed, $failed failed"
