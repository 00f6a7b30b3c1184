/**
 * `npm run verify`: every check, in order, one result line each. What it compares with is the plan (the pure
 * planner on the stack file), what it looks at is the running deployment, reached from the stack's outputs or the
 * explicit overrides and the target's access (lib/verify/access.ts). A check whose subject cannot be reached from
 * this machine is a `skip` line that says why — never a silent pass.
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ClusterPlan } from "../../planner/plan";
import { noPlanAccess, type ClusterAccess } from "./access";
import { runKineCheck, type EtcdTls } from "./kine";
import { kubeClient } from "./kubeClient";
import { parseKubeconfig, type KubeAccess } from "./kubeconfig";
import { runNodes, runReadyz, runSampleWorkload, type NodeExpectation } from "./kubernetes";
import type { Targets } from "./outputs";
import { findPsql, psqlRunner } from "./psql";
import { fail, guarded, ok, skip, type CheckResult } from "./result";
import { runSchemaChecks } from "./schema";
import { evaluateBackupAge, type BackupReader } from "./backup";
import { YB_ADMIN } from "../../planner/ybAdmin";
import { evaluatePlacement, evaluateSnapshotSchedule, evaluateTserverFlags, parseSnapshotSchedules, parseUniverseConfig, parseVarz, type ExpectedSchedule } from "./yugabyte";

export interface VerifyInput {
  /** The plan of the stack being verified; without it only the endpoints given explicitly are checked. */
  readonly plan?: ClusterPlan;
  readonly targets: Targets;
  readonly access?: ClusterAccess;
  /** kubeconfig context (default: its current-context). */
  readonly kubeContext?: string;
  /** Replace the kubeconfig's server, e.g. https://127.0.0.1:16443 through a port forward (the k3s certificate names 127.0.0.1 and localhost). */
  readonly k3sServer?: string;
  readonly psql?: string;
  readonly etcdTls?: EtcdTls;
  readonly workload?: { readonly enabled?: boolean; readonly image?: string; readonly timeoutMs?: number };
  /** The snapshot schedule the plan promises (undefined: point-in-time recovery off). */
  readonly expectedSchedule?: ExpectedSchedule;
  /** Where the newest off-cluster backup is read (lib/verify/backup.ts); undefined without a stack. */
  readonly backups?: BackupReader;
  readonly now?: () => Date;
  /** Called as each result is known (the CLI prints lines as they come). */
  readonly onResult?: (r: CheckResult) => void;
}

/** Does the stack's plan have k3s servers registering as nodes (no --disable-agent)? */
export function nodeExpectationOf(plan: ClusterPlan | undefined): NodeExpectation {
  if (!plan) return {};
  const agentless = plan.k3s.servers.every((s) => s.args.includes("--disable-agent"));
  return agentless ? {} : { controlPlaneNodes: plan.k3s.servers.filter((s) => !s.args.includes("--disable-agent")).length };
}

/** The DSN with its host and port replaced (a forward); verify-full becomes verify-ca, the forward's name being 127.0.0.1. */
export function forwardDsn(dsn: string, to: { readonly host: string; readonly port: number }): string {
  const u = new URL(dsn);
  u.hostname = to.host;
  u.port = String(to.port);
  if (u.searchParams.get("sslmode") === "verify-full") u.searchParams.set("sslmode", "verify-ca");
  return u.toString();
}

export async function runVerify(input: VerifyInput): Promise<CheckResult[]> {
  const access = input.access ?? noPlanAccess();
  const explicitApi = input.k3sServer !== undefined || input.targets.sources.kubeconfig === "--kubeconfig";
  const explicitDsn = input.targets.sources.dsn === "--dsn";
  if (!access.endpointForwards || (explicitApi && explicitDsn)) return runChecks(input, access);
  let fwd: Awaited<ReturnType<NonNullable<ClusterAccess["endpointForwards"]>>>;
  try {
    fwd = await access.endpointForwards();
  } catch (e) {
    const r = fail("forward", `cannot forward to the stack's k3s API and YSQL Services: ${e instanceof Error ? e.message : String(e)}; pass --k3s-server and --dsn for endpoints you can reach`);
    input.onResult?.(r);
    return [r, ...(await runChecks(input, access))];
  }
  try {
    const targets = { ...input.targets, dsn: input.targets.dsn && !explicitDsn && fwd.ysql ? forwardDsn(input.targets.dsn, fwd.ysql) : input.targets.dsn };
    return await runChecks({ ...input, targets, k3sServer: explicitApi ? input.k3sServer : (fwd.k3sServer ?? input.k3sServer) }, access);
  } finally {
    await fwd.close();
  }
}

async function runChecks(input: VerifyInput, access: ClusterAccess): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const emit = (rs: readonly CheckResult[]) => {
    for (const r of rs) {
      results.push(r);
      input.onResult?.(r);
    }
  };
  const { targets, plan } = input;
  const now = input.now ?? (() => new Date());
  // With a stack, a missing input is a broken promise (its outputs should have it); without one, only what was given
  // explicitly is checked and the rest is skipped.
  const missing = plan ? fail : skip;

  // 1. Kubernetes: /readyz, nodes, the sample workload.
  let kube: KubeAccess | undefined;
  let kubeProblem: string | undefined;
  if (!targets.kubeconfig) kubeProblem = "no kubeconfig: the stack has no kubeconfig output and --kubeconfig was not given";
  else {
    try {
      const text = targets.kubeconfig.text ?? readFileSync(targets.kubeconfig.file as string, "utf8");
      kube = parseKubeconfig(text, targets.kubeconfig.file ? dirname(targets.kubeconfig.file) : process.cwd(), input.kubeContext);
      if (input.k3sServer) kube = { ...kube, server: input.k3sServer.replace(/\/+$/, "") };
    } catch (e) {
      kubeProblem = e instanceof Error ? e.message : String(e);
    }
  }
  if (!kube) emit([(targets.kubeconfig ? fail : missing)("readyz", kubeProblem as string)]);
  else {
    const client = kubeClient(kube);
    const readyz = await runReadyz(client);
    emit([readyz]);
    emit([await runNodes(client, nodeExpectationOf(plan))]);
    if (input.workload?.enabled === false) emit([skip("workload", "--no-workload: the sample workload was not deployed")]);
    else if (readyz.status !== "ok") emit([skip("workload", "the API server is not ready; no sample workload deployed")]);
    else emit(await guarded("workload", () => runSampleWorkload(client, { image: input.workload?.image, timeoutMs: input.workload?.timeoutMs })));
  }

  // 2. Kine's schema, through Kine's own database role.
  if (!targets.dsn) emit([missing("schema", "no database DSN: the stack has no ysqlConnectionString output and --dsn was not given")]);
  else {
    const psql = findPsql(input.psql);
    if (!psql) emit([fail("schema", "psql not found (install postgresql-client, or pass --psql PATH)")]);
    else emit(await guarded("schema", () => runSchemaChecks(psqlRunner(psql, targets.dsn as string))));
  }

  // 3. YugabyteDB: every tserver's running flags, the placement, the snapshot schedule.
  if (!plan) emit([skip("yugabyte", "no stack given (--stack or --config): the universe's nodes, flags and placement are unknown")]);
  else {
    for (const node of plan.nodes) {
      const check = `tserver-flags/${node.name}`;
      if (access.tserverUnreachable) emit([skip(check, access.tserverUnreachable)]);
      else emit(await guarded(check, async () => evaluateTserverFlags(node.name, parseVarz(await access.varz(node)), plan.yugabyte.tserverFlags)));
    }
    if (access.ybAdminUnreachable) {
      emit([skip("placement", access.ybAdminUnreachable), skip("snapshot-schedule", access.ybAdminUnreachable)]);
    } else {
      emit(await guarded("placement", async () => evaluatePlacement(plan, parseUniverseConfig(await access.ybAdmin([YB_ADMIN.getUniverseConfig])))));
      emit(await guarded("snapshot-schedule", async () => evaluateSnapshotSchedule(input.expectedSchedule, parseSnapshotSchedules(await access.ybAdmin([YB_ADMIN.listSnapshotSchedules])), now())));
    }
    const b = input.backups;
    if (!plan.backup.offCluster) emit([evaluateBackupAge(undefined, undefined, now())]);
    else if (!b) emit([skip("backup-age", "no reader for this stack's backups was given")]);
    else if ("unreachable" in b) emit([skip("backup-age", b.unreachable)]);
    else emit(await guarded("backup-age", async () => evaluateBackupAge(plan.backup.offCluster, await b.read(), now())));
  }

  // 4. Every Kine replica answers an etcd range request on its own endpoint.
  const explicit = targets.sources.kine === "--kine-endpoint";
  if (explicit || !input.access || (!access.kineReplicas && !access.kineUnreachable)) {
    if (targets.kineEndpoints.length === 0) emit([missing("kine", "no Kine endpoint: the stack has no kineEndpoint output and --kine-endpoint was not given")]);
    for (const e of targets.kineEndpoints) emit([await runKineCheck(e, { tls: input.etcdTls })]);
  } else if (access.kineReplicas) {
    const opened = await access.kineReplicas().catch((e: unknown) => e as Error);
    if (opened instanceof Error) emit([fail("kine", `cannot reach the Kine replicas: ${opened.message}`)]);
    else {
      try {
        if (opened.endpoints.length === 0) emit([fail("kine", "no Kine replica found")]);
        if (plan && opened.endpoints.length < plan.kine.replicas.length && plan.target !== "kubernetes")
          emit([fail("kine", `${opened.endpoints.length} replica endpoint(s), the plan has ${plan.kine.replicas.length}`)]);
        if (plan?.target === "kubernetes" && opened.endpoints.length !== plan.kine.replicas.length)
          emit([fail("kine", `${opened.endpoints.length} Kine pod(s), the plan has ${plan.kine.replicas.length} replicas`)]);
        for (const r of opened.endpoints) {
          if (r.endpoint.startsWith("unreachable:")) emit([fail(`kine/${r.name}`, r.endpoint)]);
          else {
            const res = await runKineCheck(r.endpoint, { tls: input.etcdTls });
            emit([{ ...res, check: `kine/${r.name}`, detail: `${res.detail} (via ${r.endpoint})` }]);
          }
        }
      } finally {
        await opened.close();
      }
    }
  } else emit([skip("kine", access.kineUnreachable as string)]);

  if (results.length === 0) emit([ok("verify", "nothing to check")]);
  return results;
}
