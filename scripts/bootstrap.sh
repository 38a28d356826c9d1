#!/usr/bin/env bash
# Create .venv/ and install the project with its dev tools, once per pyproject.toml change.
# torch is installed first, pinned: 2.13.0 is a CPU build this machine has on disk, while an
# unpinned torch would pull a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV=.venv
stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"

if [ ! -x "$VENV/bin/python" ]; then
    echo "creating $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$stamp" ]; then
    echo "installing dependencies into $VENV (first run takes a few minutes)" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
fi
