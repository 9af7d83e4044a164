#!/usr/bin/env bash
# Never runs: its upstream job (broken) fails.
set -euo pipefail
cat broken.xyz
