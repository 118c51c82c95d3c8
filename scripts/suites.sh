#!/usr/bin/env bash
# The main job: every ported suite against the default server (extra arguments go to ./runtest).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec ./runtest "$@"
