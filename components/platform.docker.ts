import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DockerConfig } from "../config/docker";
import type { ClusterPlan } from "../planner/plan";
import type { DockerPlatform } from "./platform";

export interface DockerPlatformArgs {
  readonly plan: ClusterPlan;
  readonly config?: DockerConfig;
}

/** The local target: an explicit Docker provider and one user-defined bridge network (DNS by container alias). */
export class DockerPlatformResources extends pulumi.ComponentResource {
  readonly provider: docker.Provider;
  readonly network: docker.Network;
  readonly platform: DockerPlatform;

  constructor(name: string, args: DockerPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("yb-k3s:docker:Platform", name, {}, opts);
    // A library user may omit the config: the schema's defaults, not a second copy of them.
    const config = args.config ?? DockerConfig.parse({});
    this.provider = new docker.Provider(`${name}-docker`, config.host ? { host: config.host } : {}, { parent: this });
    this.network = new docker.Network(
      `${name}-network`,
      { name: args.plan.prefix, driver: "bridge", labels: [{ label: "yb-k3s.stack", value: args.plan.stack }] },
      { parent: this, provider: this.provider },
    );
    this.platform = {
      kind: "docker",
      provider: this.provider,
      network: this.network,
      bindAddress: config.bindAddress,
      publishDatabasePorts: config.publishDatabasePorts,
    };
    this.registerOutputs({ networkName: this.network.name });
  }
}
