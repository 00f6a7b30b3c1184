// Load index.ts the way the Pulumi Node.js language host does (@pulumi/pulumi/cmd/run/run.js): ts-node registered
// with the project's typescript and tsconfig, type checking on, host defaults under the tsconfig's options, CommonJS
// require of the entry. Mocks are installed first; prints a JSON summary on stdout.
const path = require("node:path");
const root = path.resolve(__dirname, "..", "..");
process.chdir(root);
const stack = process.argv[2] || "local";

const tsutils = require(path.join(path.dirname(require.resolve("@pulumi/pulumi")), "tsutils.js"));
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: process.env.PULUMI_NODEJS_TRANSPILE_ONLY ? process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true" : compilerOptions.noCheck,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});

const { runUnderMocks } = require("../../lib/planRunner");
const { readStackFile, stackFilePath } = require("../../lib/stackFile");
const file = readStackFile(stackFilePath(stack), stack);
runUnderMocks({ project: "yb-k3s", stack, config: file.config, program: () => ({ ...require(path.join(root, "index.ts")) }) }).then(
  (run) => {
    process.stdout.write(JSON.stringify({ resources: run.resources.length, outputs: Object.keys(run.outputs).sort(), tsnode: tsnodeRequire, typescript: require(typescriptRequire).version }));
  },
  (err) => {
    process.stderr.write(String(err && err.stack ? err.stack : err));
    process.exit(1);
  },
);
