import * as pulumi from "@pulumi/pulumi";
import type { ControlPlanePki } from "./controlPlanePki";
import type { ClusterPlan } from "../planner/plan";
import type { K3sPki } from "./k3sPki";
import { unsupportedTarget, type Platform } from "./platform";
import { buildK3sAws } from "./k3sServers.aws";
import { buildK3sDocker } from "./k3sServers.docker";
import { buildK3sKubernetes } from "./k3sServers.kubernetes";

export interface K3sServersArgs {
  readonly plan: ClusterPlan;
  readonly platform: Platform;
  /** Shared cluster token (a secret); servers read it from K3S_TOKEN, never from the command line. */
  readonly token: pulumi.Input<string>;
  readonly pki: K3sPki;
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
  /** TLS files for every host; required when the plan has TLS on (`plan.tls`). */
  readonly tls?: ControlPlanePki;
}

export interface K3sServersBuild {
  readonly servers: pulumi.Resource[];
  /** The API URL as the operator reaches it (the kubeconfig's server). */
  readonly apiUrl: pulumi.Output<string>;
}

/** k3s servers whose datastore is the Kine endpoint; HA when the plan has two or more. */
export class K3sServers extends pulumi.ComponentResource {
  readonly servers: pulumi.Resource[];
  readonly apiUrl: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: K3sServersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("yb-k3s:k3s:K3sServers", name, {}, opts);
    let built: K3sServersBuild;
    switch (args.platform.kind) {
      case "docker":
        built = buildK3sDocker(this, name, args, args.platform);
        break;
      case "kubernetes":
        built = buildK3sKubernetes(this, name, args, args.platform);
        break;
      case "aws":
        built = buildK3sAws(this, name, args, args.platform);
        break;
      default:
        unsupportedTarget("K3sServers", (args.platform as Platform).kind);
    }
    this.servers = built.servers;
    this.apiUrl = built.apiUrl;
    this.kubeconfig = args.pki.kubeconfig(args.plan.prefix, this.apiUrl);
    this.registerOutputs({ apiUrl: this.apiUrl });
  }
}
