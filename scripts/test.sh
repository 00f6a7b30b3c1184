#!/usr/bin/env bash
# The project's test command (README): installs what the tests need, type-checks, runs every test.
# Works on a fresh Debian machine with npm (any Node) and Go; ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# 1. System packages: PostgreSQL 15 (Kine integration tests), cloud-init, shellcheck and systemd-analyze (EC2 user data
#    validators).
pg_bin() { find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1 | xargs -r dirname; }
missing=()
[ -n "$(pg_bin)" ] || missing+=(postgresql)
command -v cloud-init >/dev/null 2>&1 || missing+=(cloud-init)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package starts a cluster on 5432; the tests run their own throwaway servers.
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | while read -r ver cluster _; do $SUDO pg_ctlcluster "$ver" "$cluster" stop >/dev/null 2>&1 || true; done
  fi
fi
PG_BIN_DIR="${PG_BIN_DIR:-$(pg_bin)}"
export PG_BIN_DIR
echo "test.sh: PostgreSQL from $PG_BIN_DIR"

# 2. A Node that package.json's engines accept (Node 24 LTS from the npm registry, cached outside the clone, when the
#    machine's is older), then the Node dependencies (root and the policy pack workspace), exactly as locked.
# shellcheck source=SCRIPTDIR/node-env.sh
. scripts/node-env.sh
echo "test.sh: Node $(node --version) at $(command -v node)"
npm ci --no-audit --no-fund --loglevel=error

# 3. The pinned Kine binary, built from its Go module (cached in .cache/bin).
bash scripts/build-kine.sh

# 4. Type checks: the program and library, and the policy pack.
npx tsc --noEmit -p .
if [ -f policies/tsconfig.json ]; then npx tsc --noEmit -p policies; fi

# 5. Every test: unit and program tests in parallel, then the real-Kine integration tests one file at a time (they run
#    PostgreSQL and several Kine processes each; sharing 2 cores with everything else makes their bounded waits flaky).
mkdir -p .cache
rm -f .cache/vitest-unit.json .cache/vitest-integration.json
set +e
npx vitest run --exclude 'test/integration/**' --reporter=default --reporter=json --outputFile.json=.cache/vitest-unit.json
unit=$?
npx vitest run test/integration --no-file-parallelism --reporter=default --reporter=json --outputFile.json=.cache/vitest-integration.json
integration=$?
set -e
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of [".cache/vitest-unit.json", ".cache/vitest-integration.json"]) {
    if (!fs.existsSync(f)) { failed += 1; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0) + (r.success === false && r.numFailedTests === 0 ? 1 : 0);
    skipped += (r.numPendingTests || 0) + (r.numTodoTests || 0);
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
'
if [ "$unit" -ne 0 ] || [ "$integration" -ne 0 ]; then exit 1; fi
