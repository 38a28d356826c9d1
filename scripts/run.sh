#!/usr/bin/env bash
# The main job: the Discord bot, or the terminal mode when no DISCORD_TOKEN is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m bot "$@"
