#!/usr/bin/env bash
# Reads the relaxed geometry and reports its atom count as a stand-in for frequencies.
set -euo pipefail
test -s relax.xyz
sleep 1
echo "frequencies for $(head -n 1 relax.xyz) atoms: 1595 3657 3756 cm-1"
