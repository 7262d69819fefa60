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
