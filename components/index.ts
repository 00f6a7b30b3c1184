/** The component library: import these into your own Pulumi program. */
export { ControlPlane, type ControlPlaneArgs, type TopologySummary } from "./controlPlane";
export { YugabyteCluster, type YugabyteClusterArgs } from "./yugabyteCluster";
export { KineEndpoint, type KineEndpointArgs } from "./kineEndpoint";
export { K3sServers, type K3sServersArgs } from "./k3sServers";
export { K3sPki, type K3sPkiArgs } from "./k3sPki";
export type { Platform, DockerPlatform, KubernetesPlatform, AwsPlatform, AwsRegionNetwork, AwsSecurityGroups } from "./platform";
export { AwsPlatformResources, RegionNetwork, VpcPeering, type AwsPlatformArgs, type RegionNetworkArgs, type VpcPeeringArgs } from "./platform.aws";
export { ControlPlanePki, type ControlPlanePkiArgs, type TlsFile } from "./controlPlanePki";
export { buildPlan, type ClusterPlan } from "../planner/plan";
export { parseTopology } from "../config/load";
export { DockerPlatformResources, type DockerPlatformArgs } from "./platform.docker";
export { KubernetesPlatformResources, type KubernetesPlatformArgs } from "./platform.kubernetes";
