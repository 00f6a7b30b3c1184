// Runs the project's TypeScript under plain Node for `npm run plan|up|preview|destroy|bench`:
//   node -r ./scripts/register-ts.js bin/plan.ts ...
// Each .ts file outside node_modules goes through TypeScript's own transpileModule with the options of tsconfig.json
// (the transform `ts-node --transpile-only` applies, without ts-node's per-start compiler service and
// source-map-support), and the result is kept per file in node_modules/.cache/yb-k3s-ts/, keyed by the file's content,
// the TypeScript version and tsconfig.json. A start with nothing changed never loads the TypeScript compiler.
// No type checking happens here: `npm run typecheck` and scripts/test.sh run `tsc --noEmit` over the whole project.
// Stack traces point at the transpiled code; NODE_OPTIONS=--enable-source-maps maps them back (inline source maps).
// It also turns on Node's own compile cache (module.enableCompileCache, Node >= 22.1) in <cache>/v8/, so V8 reuses
// the bytecode of every module, the Pulumi SDKs' included, from the previous run (NODE_DISABLE_COMPILE_CACHE=1: off).
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

// Bump when the transpile options below change: the cache key includes it.
const LOADER_VERSION = "1";
const root = path.resolve(__dirname, "..");
const tsconfigPath = path.join(root, "tsconfig.json");
const cacheDir = process.env.YB_K3S_TS_CACHE || path.join(root, "node_modules", ".cache", "yb-k3s-ts");
const nodeModules = `${path.sep}node_modules${path.sep}`;

if (typeof Module.enableCompileCache === "function") Module.enableCompileCache(path.join(cacheDir, "v8"));

const sha1 = (s) => crypto.createHash("sha1").update(s).digest("hex");

let salt; // what, besides a file's content, decides its output
function getSalt() {
  if (salt === undefined) {
    const tsPackage = require.resolve("typescript/package.json", { paths: [root] });
    const tsVersion = JSON.parse(fs.readFileSync(tsPackage, "utf8")).version;
    salt = sha1(`${LOADER_VERSION}\0${tsVersion}\0${fs.readFileSync(tsconfigPath, "utf8")}`);
  }
  return salt;
}

let compiler; // { ts, options }, loaded on the first cache miss only
function getCompiler() {
  if (compiler === undefined) {
    const ts = require(require.resolve("typescript", { paths: [root] }));
    const parsed = ts.getParsedCommandLineOfConfigFile(tsconfigPath, {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(`${tsconfigPath}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
      },
    });
    const problems = parsed.errors.filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (problems.length > 0) throw new Error(`${tsconfigPath}: ${problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`);
    const options = { ...parsed.options, noEmit: false, declaration: false, declarationMap: false, sourceMap: false, inlineSourceMap: true, inlineSources: true };
    for (const k of ["outDir", "outFile", "out", "composite", "incremental", "tsBuildInfoFile", "emitDeclarationOnly", "noCheck"]) delete options[k];
    compiler = { ts, options };
  }
  return compiler;
}

function transpile(filename, source) {
  const { ts, options } = getCompiler();
  const out = ts.transpileModule(source, { fileName: filename, compilerOptions: options, reportDiagnostics: true });
  const errors = (out.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const where = (d) => {
      if (!d.file || d.start === undefined) return filename;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      const rel = path.relative(process.cwd(), filename);
      return `${rel.startsWith("..") ? filename : rel}(${line + 1},${character + 1})`;
    };
    throw new SyntaxError(errors.map((d) => `${where(d)}: error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`).join("\n"));
  }
  return out.outputText;
}

/** The CommonJS JavaScript for `filename`, from the cache when its key matches (the key is the file's last line). */
function compiled(filename, source) {
  const trailer = `\n//# yb-k3s-ts ${sha1(`${getSalt()}\0${filename}\0${source}`)}\n`;
  const slot = path.join(cacheDir, `${sha1(filename).slice(0, 16)}-${path.basename(filename, ".ts")}.js`);
  try {
    const cached = fs.readFileSync(slot, "utf8");
    if (cached.endsWith(trailer)) return cached;
  } catch {
    // not cached yet
  }
  const code = transpile(filename, source) + trailer;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${slot}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, slot); // atomic: parallel test processes never read half a file
  } catch {
    // a read-only tree still runs, only without the cache
  }
  return code;
}

const fallback = require.extensions[".ts"] || require.extensions[".js"];
require.extensions[".ts"] = function loadTypeScript(module, filename) {
  if (filename.includes(nodeModules)) return fallback(module, filename);
  module._compile(compiled(filename, fs.readFileSync(filename, "utf8")), filename);
};

module.exports = { cacheDir, transpile };
