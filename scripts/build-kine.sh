#!/usr/bin/env bash
# Build the pinned Kine into .cache/bin/kine for the integration tests and the bench.
# The version is read from planner/versions.ts (KINE_VERSION): one fact, one place.
# Skips the build when .cache/bin/kine already is that version (`kine --version` says "dev (HEAD)" for
# `go install` builds, so we trust the Go build info, then the stamp file .cache/bin/kine.version).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
versions="$root/planner/versions.ts"
bin_dir="$root/.cache/bin"
kine="$bin_dir/kine"
stamp="$bin_dir/kine.version"

version="$(sed -n 's/^export const KINE_VERSION = "\(v[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\)";.*$/\1/p' "$versions")"
if [ -z "$version" ] || [ "$(printf '%s\n' "$version" | wc -l)" -ne 1 ]; then
  echo "build-kine: cannot read exactly one KINE_VERSION = \"vX.Y.Z\" line from $versions" >&2
  exit 1
fi

built_version() {
  # Go build info of the binary: "mod  github.com/k3s-io/kine  v0.16.4  h1:..."
  if command -v go >/dev/null 2>&1; then
    go version -m "$kine" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/k3s-io/kine" { print $3; exit }'
  fi
}

if [ -x "$kine" ]; then
  have="$(built_version || true)"
  if [ -z "$have" ] && [ -f "$stamp" ]; then have="$(cat "$stamp")"; fi
  if [ "$have" = "$version" ]; then
    printf '%s\n' "$version" >"$stamp"
    echo "build-kine: $kine is already Kine $version; skipping build"
    exit 0
  fi
  echo "build-kine: $kine is Kine ${have:-unknown}, want $version; rebuilding"
fi

command -v go >/dev/null 2>&1 || { echo "build-kine: Go is required to build Kine $version (go install)" >&2; exit 1; }
mkdir -p "$bin_dir"
rm -f "$stamp"
# The same build the end-to-end suite uses (scripts/e2e/build.sh): cached outside the clone by version, so a fresh
# checkout on a machine that built it once copies it instead of building again.
shared="${YB_K3S_E2E_CACHE:-$HOME/.cache/yb-k3s-e2e}/kine-$version"
if [ -f "$shared/.complete" ] && [ -x "$shared/kine" ]; then
  echo "build-kine: copying Kine $version from $shared"
  cp "$shared/kine" "$kine"
else
  echo "build-kine: go install github.com/k3s-io/kine@$version into $shared (this takes a few minutes the first time)"
  rm -rf "$shared"; mkdir -p "$shared"
  CGO_ENABLED=1 GOBIN="$shared" go install "github.com/k3s-io/kine@$version"
  touch "$shared/.complete"
  cp "$shared/kine" "$kine"
fi

have="$(built_version || true)"
if [ -n "$have" ] && [ "$have" != "$version" ]; then
  echo "build-kine: built binary reports module version $have, expected $version" >&2
  exit 1
fi
printf '%s\n' "$version" >"$stamp"
echo "build-kine: built $kine ($version)"
