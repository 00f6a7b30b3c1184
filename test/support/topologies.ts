/** Hand-written topologies for every target, shaped like the shipped stacks (dev, staging, prod live on other branches). */
import { ConfigError, parseTopology } from "../../config/load";
import { buildPlan, type ClusterPlan } from "../../planner/plan";

export const localConfig = (): Record<string, unknown> => ({
  target: "docker",
  faultTolerance: "zone",
  replicationFactor: 3,
  regions: [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c"] }],
  kine: { replicas: 2 },
  k3s: { servers: 1 },
  docker: { bindAddress: "127.0.0.1" },
  protectData: false,
});

export const devConfig = (): Record<string, unknown> => ({
  target: "kubernetes",
  faultTolerance: "zone",
  replicationFactor: 3,
  regions: [{ name: "k8s", zones: ["zone-a", "zone-b", "zone-c"] }],
  kine: { replicas: 2 },
  k3s: { servers: 2 },
  kubernetes: { context: "dev" },
});

export const stagingConfig = (): Record<string, unknown> => ({
  target: "aws",
  faultTolerance: "zone",
  replicationFactor: 3,
  regions: [{ name: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c"], cidr: "10.10.0.0/16" }],
  kine: { replicas: 2 },
  k3s: { servers: 2 },
});

export const prodConfig = (): Record<string, unknown> => ({
  target: "aws",
  faultTolerance: "region",
  replicationFactor: 3,
  primaryRegion: "us-east-1",
  regions: [
    { name: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c"], cidr: "10.10.0.0/16" },
    { name: "us-west-2", zones: ["us-west-2a", "us-west-2b", "us-west-2c"], cidr: "10.20.0.0/16" },
    { name: "eu-west-1", zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], cidr: "10.30.0.0/16" },
  ],
  kine: { replicas: 3 },
  k3s: { servers: 3 },
});

export const planOf = (raw: Record<string, unknown>, stack = "test"): ClusterPlan =>
  buildPlan({ project: "yb-k3s", stack, topology: parseTopology(raw) });

/** The problems the config schema reports for a raw config, one line each ([] when it is valid). */
export const configProblems = (raw: Record<string, unknown>): string[] => {
  try {
    parseTopology(raw);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
};
