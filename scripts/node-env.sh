# shellcheck shell=bash
# Source this file (bash): it makes `node` on PATH one that package.json's `engines` accepts, and exports PATH.
#   . scripts/node-env.sh
# The machine's Node is kept when it satisfies engines.node (">=X.Y.Z" in package.json). Otherwise Node
# $NODE_VERSION (e2e/versions.env) is installed once from the npm registry, where Node's own release binary is published
# as the package node-linux-<arch>, into ${YB_K3S_CACHE:-$HOME/.cache/yb-k3s}/node-<version>/ (outside the clone, keyed
# by version; reused offline), and its bin directory goes first on PATH. npm itself runs on whichever node is first.
# YB_K3S_NODE=pinned uses the pinned Node even when the machine's would do.

yb_k3s_node_env() {
  local root min version arch cache dir bin current tmp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  min="$(sed -n 's/^ *"node": *">=\([0-9][0-9.]*\)".*$/\1/p' "$root/package.json" | head -n 1)"
  version="$(sed -n 's/^NODE_VERSION=\([0-9][0-9.]*\)$/\1/p' "$root/e2e/versions.env")"
  if [ -z "$min" ] || [ -z "$version" ]; then
    echo "node-env: cannot read engines.node (\">=X.Y.Z\") from package.json or NODE_VERSION from e2e/versions.env" >&2
    return 1
  fi
  # yb_k3s_version_ge A B: A >= B, both dotted numbers.
  yb_k3s_version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }
  current="$(node --version 2>/dev/null | sed 's/^v//')"
  if [ "${YB_K3S_NODE:-}" != "pinned" ] && [ -n "$current" ] && yb_k3s_version_ge "$current" "$min"; then
    return 0
  fi
  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64) arch=x64 ;;
    Linux/aarch64 | Linux/arm64) arch=arm64 ;;
    *) echo "node-env: Node ${current:-(none)} is older than $min and no registry build fits $(uname -s)/$(uname -m): install Node >= $min" >&2; return 1 ;;
  esac
  cache="${YB_K3S_CACHE:-$HOME/.cache/yb-k3s}"
  dir="$cache/node-$version"
  bin="$dir/node_modules/node-linux-$arch/bin"
  if [ ! -f "$dir/.complete" ] || [ ! -x "$bin/node" ]; then
    echo "node-env: Node ${current:-(none)} is older than $min; installing Node $version (npm package node-linux-$arch) into $dir" >&2
    mkdir -p "$cache" || return 1
    tmp="$(mktemp -d "$cache/node-$version.XXXXXX")" && chmod 755 "$tmp" || return 1
    if ! npm install --prefix "$tmp" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$version" >&2 ||
      [ "$("$tmp/node_modules/node-linux-$arch/bin/node" --version 2>/dev/null)" != "v$version" ]; then
      echo "node-env: installing node-linux-$arch@$version failed (kept $tmp)" >&2
      return 1
    fi
    touch "$tmp/.complete"
    rm -rf "$dir"
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp" # a parallel run may have put it there first
  fi
  PATH="$bin:$PATH"
  export PATH
  hash -r
  echo "node-env: using Node $version from $bin" >&2
}

yb_k3s_node_env
