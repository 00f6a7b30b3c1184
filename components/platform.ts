/**
 * What a target provides to every role component: its provider and shared network objects. The composition creates
 * one platform per stack; role components switch on `kind` and hand off to their per-target file.
 */
import type * as docker from "@pulumi/docker";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { KubernetesConfig } from "../config/kubernetes";

export interface DockerPlatform {
  readonly kind: "docker";
  readonly provider: docker.Provider;
  readonly network: docker.Network;
  readonly bindAddress: string;
  readonly publishDatabasePorts: boolean;
}

export interface KubernetesPlatform {
  readonly kind: "kubernetes";
  readonly provider: k8s.Provider;
  readonly namespace: pulumi.Output<string>;
  readonly config: KubernetesConfig;
}

/** Filled in by the aws target (components/platform.aws.ts). */
export interface AwsPlatform {
  readonly kind: "aws";
  readonly resources: Readonly<Record<string, unknown>>;
}

export type Platform = DockerPlatform | KubernetesPlatform | AwsPlatform;

/** Raised when a role has no builder for a target yet: a clear error at plan time, never a silent partial deploy. */
export function unsupportedTarget(role: string, kind: string): never {
  throw new Error(`${role}: the '${kind}' target is not available in this version of yb-k3s`);
}
