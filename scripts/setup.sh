#!/usr/bin/env bash
# Installs what ember needs on Debian 12 (Debian packages, PyPI packages) and builds and installs the ember
# Python package. Safe to re-run: it skips what is already installed, and the persistent build directory
# (build/python, with ccache) makes a rebuild incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

# llvm-19-dev, libmlir-19-dev and mlir-19-tools: the MLIR/LLVM 19 of the CPU backend (lowering/cpu).
deb_packages=(cmake ninja-build ccache g++ pkg-config libopenblas-dev doctest-dev llvm-19-dev libmlir-19-dev mlir-19-tools)
missing=()
for p in "${deb_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" != 0 ] && sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

python=${PYTHON:-python3}
py_modules=(numpy ml_dtypes pybind11 scikit_build_core pytest xdist scipy)
py_packages=(numpy ml_dtypes pybind11 scikit-build-core pytest pytest-xdist scipy)
if ! "$python" -c "import importlib, sys; [importlib.import_module(m) for m in sys.argv[1:]]" "${py_modules[@]}" 2>/dev/null; then
  echo "setup: installing PyPI packages: ${py_packages[*]}"
  "$python" -m pip install -q "${py_packages[@]}"
fi

echo "setup: building and installing ember (incremental)"
"$python" -m pip install -q --no-build-isolation --no-deps .
