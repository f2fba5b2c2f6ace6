#!/usr/bin/env bash
# For development without `pip install`: builds the extension in build/NAME and prints a PYTHONPATH under
# which `import ember` uses the source tree's Python files with that build's _core module. Several people can
# work side by side with different NAMEs. Re-run after adding Python files.
#   export PYTHONPATH=$(bash scripts/dev_env.sh dev)
set -euo pipefail
name=${1:-dev}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/$name"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEMBER_PYTHON=ON \
    -Dpybind11_DIR="$(python3 -c 'import pybind11; print(pybind11.get_cmake_dir())')" > /dev/null
fi
ninja -C "$build" -j2 _core >&2
site="/tmp/ember-pythonpath-$name"
rm -rf "$site"
mkdir -p "$site/ember"
for entry in "$root"/python/ember/*; do
  case "$(basename "$entry")" in _core*) continue ;; esac
  ln -s "$entry" "$site/ember/"
done
ln -s "$build"/python/_core*.so "$site/ember/"
# What ember.aot links (installed under ember/aot_support by pip).
ninja -C "$build" -j2 ember_support ember_aot_services >&2
mkdir -p "$site/ember/aot_support"
ln -s "$build"/runtime/libember_support.a "$build"/runtime/libember_aot_services.a "$root"/runtime/services.h \
  "$site/ember/aot_support/"
echo "$site"
