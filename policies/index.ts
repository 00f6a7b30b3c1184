// Entry point of the CrossGuard policy pack: constructing a PolicyPack starts the analyzer's gRPC server, so nothing
// else lives here (tests import ./evaluate and ./pack instead).
import { PolicyPack } from "@pulumi/policy";
import { crossGuardPolicies, PACK_NAME } from "./pack";

new PolicyPack(PACK_NAME, {
  // policies/config/<stack>.json sets "all" per stack (local advisory; dev, staging, prod mandatory).
  enforcementLevel: "advisory",
  policies: crossGuardPolicies(),
});
