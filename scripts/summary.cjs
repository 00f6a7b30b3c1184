// One summary line over vitest JSON reports: `N passed, M failed[, K skipped]`. A missing or failed-to-run report
// counts as a failure, so a suite that never ran cannot look green.
const fs = require("node:fs");
let passed = 0, failed = 0, skipped = 0;
for (const f of process.argv.slice(2)) {
  if (!fs.existsSync(f)) { failed += 1; console.error(`summary: ${f} is missing (the suite did not run)`); continue; }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0) + (r.success === false && r.numFailedTests === 0 ? 1 : 0);
  skipped += (r.numPendingTests || 0) + (r.numTodoTests || 0);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exitCode = failed > 0 ? 1 : 0;
