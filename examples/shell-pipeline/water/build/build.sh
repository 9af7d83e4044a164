#!/usr/bin/env bash
# Builds a water molecule and writes it as build.xyz.
set -euo pipefail
cat > build.xyz <<'XYZ'
3
water, built
O   0.000000   0.000000   0.117300
H   0.000000   0.757200  -0.469200
H   0.000000  -0.757200  -0.469200
XYZ
echo "built water"
