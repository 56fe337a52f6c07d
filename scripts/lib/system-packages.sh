# shellcheck shell=bash
# Installs Debian packages the tests need (Chromium, Prometheus, PostgreSQL) when missing.
# Tests use the distribution's binaries: nothing downloads a browser or server of its own.

meshport_ensure_apt() {
  local binary="$1"
  shift
  if [ -x "$binary" ] || command -v "$binary" >/dev/null 2>&1; then
    return 0
  fi
  echo "meshport: installing $* (needed for $binary)" >&2
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
      echo "meshport: $binary is missing and we are not root; run: apt-get install -y $*" >&2
      return 1
    }
    sudo="sudo"
  fi
  if [ -z "${MESHPORT_APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq >&2
    MESHPORT_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

# The server's binaries live under a versioned folder that is not on PATH.
meshport_ensure_postgres() {
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null && return 0
  meshport_ensure_apt /nonexistent/postgres postgresql
}
