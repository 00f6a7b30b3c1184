#!/usr/bin/env bash
# The end-to-end suite (`npm run e2e`): builds what is missing (scripts/e2e/build.sh, cached outside the clone), then
# runs e2e/tests with the real Pulumi engine on a real control plane it starts and stops itself. Needs what the test
# command installs (PostgreSQL, node_modules); run `bash scripts/test.sh` once first on a fresh machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ -f scripts/node-env.sh ]; then . scripts/node-env.sh; fi
start=$SECONDS
bash scripts/e2e/build.sh
echo "e2e: binaries ready after $((SECONDS - start)) s"
mkdir -p .cache
rm -f .cache/vitest-e2e.json
set +e
npx vitest run -c vitest.e2e.config.mts --reporter=default --reporter=json --outputFile.json=.cache/vitest-e2e.json "$@"
rc=$?
set -e
echo "e2e: finished in $((SECONDS - start)) s"
exit $rc
