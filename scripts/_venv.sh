# Sourced by scripts/run and scripts/test: a virtual environment in .venv, made with Python 3.11+.
if [ ! -x .venv/bin/python ]; then
  base=""
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      base=$candidate; break
    fi
  done
  [ -n "$base" ] || { echo "Python 3.11 or newer is needed." >&2; exit 1; }
  "$base" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
fi
PY=.venv/bin/python
