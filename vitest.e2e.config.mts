import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { defineConfig } from "vitest/config";

// The end-to-end suite (npm run e2e): the real engine on a real control plane. Binaries come from the cache that
// scripts/e2e/build.sh fills; Kine is the pinned one from that cache (test/support/kine.ts reads KINE_BIN).
const dirs = execFileSync("bash", ["scripts/e2e/build.sh", "--print-bin-dirs"], { encoding: "utf8" }).trim().split("\n");

export default defineConfig({
  test: {
    include: ["e2e/tests/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 300_000,
    env: { KINE_BIN: path.join(dirs[4], "kine") },
  },
});
