#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3) from the npm registry into .vscode-test/,
# without any step that downloads from outside the registry. Idempotent: a finished install
# leaves a marker and is reused.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${MLWB_CODE_SERVER_CACHE:-$ROOT/.vscode-test}"
VERSION=4.100.3
DIR="$CACHE/code-server-$VERSION"
MARKER="$DIR/.mlwb-ready"
if [[ -f "$MARKER" ]]; then
  echo "code-server $VERSION ready in $DIR"
  exit 0
fi
# Native modules of VS Code need Kerberos headers; its search needs ripgrep (its own download fails offline).
need=()
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if ((${#need[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "code-server needs these Debian packages first: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
mkdir -p "$DIR"
cd "$DIR"
[[ -f package.json ]] || echo '{"name":"mlwb-code-server-cache","private":true}' > package.json
echo "installing code-server@$VERSION into $DIR"
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >/dev/null
CS="$DIR/node_modules/code-server"
VS="$CS/lib/vscode"
( cd "$VS" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null )
( cd "$VS" && npm_config_yes=true npm rebuild kerberos node-pty @vscode/spdlog native-watchdog @parcel/watcher @vscode/deviceid >/dev/null )
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
[[ -e "$VS/node_modules.asar" ]] || ln -s node_modules "$VS/node_modules.asar"
( cd "$VS/extensions" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null )
( cd "$DIR" && npm rebuild argon2 >/dev/null )
touch "$MARKER"
echo "code-server $VERSION ready in $DIR"
