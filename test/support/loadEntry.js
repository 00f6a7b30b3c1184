// Load index.ts the way the Pulumi Node.js language host does (see languageHost.js): Pulumi.yaml's runtime options,
// ts-node registered as @pulumi/pulumi/cmd/run/run.js registers it, CommonJS require of the entry. Mocks are installed
// first; prints a JSON summary on stdout (what the host decided, and what the program registered and exported).
const path = require("node:path");
const root = path.resolve(__dirname, "..", "..");
process.chdir(root);
const stack = process.argv[2] || "local";

const { registerLikeLanguageHost } = require("./languageHost");
const host = registerLikeLanguageHost();

const { runUnderMocks } = require("../../lib/planRunner");
const { readStackFile, stackFilePath } = require("../../lib/stackFile");
const file = readStackFile(stackFilePath(stack), stack);
runUnderMocks({ project: "yb-k3s", stack, config: file.config, program: () => ({ ...require(path.join(root, "index.ts")) }) }).then(
  (run) => {
    process.stdout.write(JSON.stringify({ host, resources: run.resources.length, outputs: Object.keys(run.outputs).sort() }));
  },
  (err) => {
    process.stderr.write(String(err && err.stack ? err.stack : err));
    process.exit(1);
  },
);
