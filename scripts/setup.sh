#!/usr/bin/env bash
# Sets up everything a fresh Debian/Ubuntu machine needs: the system libraries WeasyPrint uses
# (installed with apt-get only when missing), then a virtual environment with the package and
# its test tools. Safe to run again; it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libpango-1.0.so.0' || need+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || need+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so.0' || need+=(libharfbuzz-subset0)
have_lib 'libfontconfig.so.1' || need+=(libfontconfig1)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)  # make pages, the PDF tests
# Chinese PDF editions: Noto Sans/Serif CJK, too large to bundle, read from Debian's package
# inside the fontconfig isolation (generator/glyphs.py names the files).
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
# The live preview's test and the client checks drive Debian's Chromium headless.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ((${#need[@]})); then
  echo "setup: installing system packages: ${need[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$python" -m venv .venv
fi
stamp=.venv/.factsheet-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing factsheet and its test tools into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,dask]'
  touch "$stamp"
fi
# The package's bytecode, compiled ahead: where PYTHONDONTWRITEBYTECODE is set, every command
# would compile it again (about 0.08 s of each start of `factsheet check`).
.venv/bin/python -m compileall -q generator >/dev/null
