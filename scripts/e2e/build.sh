#!/usr/bin/env bash
# Build (or reuse) the binaries of the end-to-end suite from the Go module proxy, cached outside the clone and keyed by
# version: $YB_K3S_E2E_CACHE (default ~/.cache/yb-k3s-e2e)/<name>-<version>/. Prints what it builds and how long it took.
# Versions: e2e/versions.env; Kine: planner/versions.ts. Usage: scripts/e2e/build.sh [--print-bin-dirs]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../e2e/versions.env
. "$root/e2e/versions.env"
KINE_VERSION="$(sed -n 's/^export const KINE_VERSION = "\(v[0-9.]*\)";.*$/\1/p' "$root/planner/versions.ts")"
[ -n "$KINE_VERSION" ] || { echo "e2e build: cannot read KINE_VERSION from planner/versions.ts" >&2; exit 1; }
cache="${YB_K3S_E2E_CACHE:-$HOME/.cache/yb-k3s-e2e}"
export GOFLAGS="-mod=mod" GOTOOLCHAIN=local
mkdir -p "$cache"

dir_pulumi="$cache/pulumi-$PULUMI_CLI_VERSION"
dir_provider="$cache/pulumi-resource-kubernetes-$PULUMI_KUBERNETES_VERSION"
dir_k8s="$cache/kubernetes-$KUBERNETES_VERSION"
dir_kwok="$cache/kwok-$KWOK_VERSION"
dir_kine="$cache/kine-$KINE_VERSION"
if [ "${1:-}" = "--print-bin-dirs" ]; then
  printf '%s\n' "$dir_pulumi" "$dir_provider" "$dir_k8s" "$dir_kwok" "$dir_kine"; exit 0
fi

total_start=$SECONDS
built=()
# step NAME DIR COMMAND...: runs COMMAND unless DIR/.complete exists; a failed build leaves no .complete behind.
step() {
  local name="$1" dir="$2"; shift 2
  if [ -f "$dir/.complete" ]; then echo "e2e build: $name: cached in $dir"; return; fi
  local start=$SECONDS work
  echo "e2e build: $name: building into $dir"
  rm -rf "$dir"; mkdir -p "$dir"
  work="$(mktemp -d "$cache/work.XXXXXX")"
  ( cd "$work" && "$@" "$dir" ) || { echo "e2e build: $name: FAILED (work dir $work)" >&2; exit 1; }
  rm -rf "$work"
  touch "$dir/.complete"
  built+=("$name $((SECONDS - start))s")
  echo "e2e build: $name: done in $((SECONDS - start)) s"
}

build_kubernetes() {
  local out="$1" gomod dir
  go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" >k8s.json
  gomod="$(sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p' k8s.json)"
  cat >go.mod <<MOD
module yb-k3s-e2e/kubernetes

go 1.25

require k8s.io/kubernetes $KUBERNETES_VERSION
MOD
  # Every staging module k8s.io/kubernetes replaces with ./staging/src/... is replaced by its published version.
  for dir in $(sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/[a-z0-9-]*$#\1#p' "$gomod" | grep -v '^k8s.io/sample-cli-plugin$'); do
    go mod edit -replace "$dir=$dir@$KUBERNETES_STAGING_VERSION"
  done
  cat >tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  go mod tidy
  local minor="${KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
  CGO_ENABLED=0 go build -o "$out/" -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION \
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
    -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
}

build_kwok() {
  local out="$1" src
  GOBIN="$out" CGO_ENABLED=0 go install "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  src="$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage"
  mkdir -p "$out/stage"; cp -r "$src/." "$out/stage/"; chmod -R u+w "$out/stage"
}

build_kine() {
  GOBIN="$1" CGO_ENABLED=1 go install "github.com/k3s-io/kine@$KINE_VERSION"
}

build_pulumi() {
  local out="$1"
  cat >go.mod <<MOD
module yb-k3s-e2e/pulumi-cli

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 $PULUMI_CLI_VERSION
	github.com/pulumi/pulumi/sdk/v3 $PULUMI_CLI_VERSION
)
MOD
  # pkg/v3's own go.mod carries this replace; a module that requires pkg must carry it too.
  go mod edit -replace "github.com/atotto/clipboard=$PULUMI_CLIPBOARD_REPLACE"
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' >tools.go
  go mod tidy
  # Without the version stamp `pulumi version` prints nothing and the Automation API cannot parse the CLI version.
  CGO_ENABLED=0 go build -o "$out/pulumi" \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_CLI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_provider() {
  local out="$1" src
  src="$(go mod download -json "github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_MODULE_VERSION" \
    | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  cp -r "$src/." provider/ 2>/dev/null || { mkdir provider && cp -r "$src/." provider/; }
  chmod -R u+w provider; cd provider
  # The repository builds against its sibling ../sdk; outside it, the SDK module of the same tag.
  go mod edit -dropreplace github.com/pulumi/pulumi-kubernetes/sdk/v4 \
    -require "github.com/pulumi/pulumi-kubernetes/sdk/v4@v$PULUMI_KUBERNETES_VERSION"
  # The module zip lacks the generated embeds: the schema with its version set, and the terraform mapping, minified.
  local cmd=cmd/pulumi-resource-kubernetes
  node -e '
    const fs = require("fs"); const [dir, version] = process.argv.slice(1);
    const schema = JSON.parse(fs.readFileSync(dir + "/schema.json", "utf8")); schema.version = version;
    fs.writeFileSync(dir + "/schema-embed.json", JSON.stringify(schema));
    const mapping = dir + "/terraform-mapping.json";
    fs.writeFileSync(dir + "/terraform-mapping-embed.json", fs.existsSync(mapping) ? JSON.stringify(JSON.parse(fs.readFileSync(mapping, "utf8"))) : "{}");
  ' "$cmd" "$PULUMI_KUBERNETES_VERSION"
  go mod tidy
  CGO_ENABLED=0 go build -o "$out/pulumi-resource-kubernetes" \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" "./$cmd"
}

# Order: the control plane first (the harness can start it while the engine still builds), then the engine.
step "kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $KUBERNETES_VERSION" "$dir_k8s" build_kubernetes
step "kwok $KWOK_VERSION (+ its stages)" "$dir_kwok" build_kwok
step "kine $KINE_VERSION" "$dir_kine" build_kine
step "pulumi CLI $PULUMI_CLI_VERSION" "$dir_pulumi" build_pulumi
step "pulumi-resource-kubernetes $PULUMI_KUBERNETES_VERSION" "$dir_provider" build_provider
if [ "${#built[@]}" -eq 0 ]; then
  echo "e2e build: everything cached (${SECONDS}s)"
else
  echo "e2e build: built ${built[*]}; total $((SECONDS - total_start)) s"
fi
