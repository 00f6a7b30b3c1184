// How the Pulumi Node.js language host prepares TypeScript before it requires the entry, for this project: the Go host
// turns Pulumi.yaml's runtime.options into PULUMI_NODEJS_TYPESCRIPT and PULUMI_NODEJS_TSCONFIG_PATH, and
// @pulumi/pulumi/cmd/run/run.js (CommonJS branch) then registers ts-node with the host's compiler defaults under the
// tsconfig's own compilerOptions, transpile-only when PULUMI_NODEJS_TRANSPILE_ONLY says so or else when those
// compilerOptions set noCheck. Shared by test/support/loadEntry.js and anything else (an end-to-end runner) that needs
// to load index.ts the way `pulumi up` does.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");

/** Pulumi.yaml's runtime options, with the host's defaults (typescript: true). */
function runtimeOptions() {
  const { parse } = require("yaml");
  const project = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
  const options = (project.runtime && typeof project.runtime === "object" && project.runtime.options) || {};
  return { typescript: options.typescript !== false, tsconfig: options.tsconfig, nodeargs: options.nodeargs };
}

/**
 * Registers ts-node the way run.js does (cwd must be the project root, as after the host's --pwd) and returns what it
 * decided: { typescript, tsConfigPath, transpileOnly, emit (the effective module/target options), tsnode, ts }.
 */
function registerLikeLanguageHost(env = process.env) {
  const options = runtimeOptions();
  if (!options.typescript) return { typescript: false };
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi", { paths: [root] }));
  const tsutils = require(path.join(pulumiDir, "tsutils.js"));
  const tsConfigPath = options.tsconfig ?? "tsconfig.json"; // PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json"
  const skipProject = !fs.existsSync(tsConfigPath);
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
  const transpileOnly = env.PULUMI_NODEJS_TRANSPILE_ONLY ? env.PULUMI_NODEJS_TRANSPILE_ONLY === "true" : compilerOptions.noCheck;
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  const ts = require(typescriptRequire);
  const [major, minor] = ts.version.split(".").map(Number);
  const useNodeNext = major > 4 || (major === 4 && minor >= 7);
  const overrides = {
    target: "ES2020",
    module: useNodeNext ? "nodenext" : "commonjs",
    moduleResolution: useNodeNext ? "nodenext" : "node",
    sourceMap: "true",
    ...compilerOptions,
  };
  const service = require(tsnodeRequire).register({ compiler: typescriptRequire, transpileOnly, project: tsConfigPath, skipProject, compilerOptions: overrides });
  // What ts-node will emit with: tsconfig (with extends) under the overrides, as names rather than enum numbers.
  const o = service.config.options;
  const emit = { target: ts.ScriptTarget[o.target], module: ts.ModuleKind[o.module], moduleResolution: ts.ModuleResolutionKind[o.moduleResolution], esModuleInterop: o.esModuleInterop, resolveJsonModule: o.resolveJsonModule };
  return { typescript: true, tsConfigPath, transpileOnly, emit, tsnode: tsnodeRequire, ts: ts.version };
}

module.exports = { registerLikeLanguageHost, runtimeOptions };
