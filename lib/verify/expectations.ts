/** What the plan promises that verify checks beyond the schema (pure). */
import type { ClusterPlan } from "../../planner/plan";
import type { ExpectedSchedule } from "./yugabyte";

/** The snapshot schedule the bootstrap creates, or undefined when point-in-time recovery is off. */
export function expectedScheduleOf(plan: ClusterPlan): ExpectedSchedule | undefined {
  void plan;
  return undefined;
}
