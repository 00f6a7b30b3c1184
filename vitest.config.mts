import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file gets its own process: the Pulumi runtime (mocks, config) is process-global. `isolate` is said
    // explicitly (it is the default): vitest 5 then knows it was chosen and does not suggest `isolate: false`.
    pool: "forks",
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
