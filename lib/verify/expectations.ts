/** What the plan promises that verify checks beyond the schema (pure). */
import type { ClusterPlan } from "../../planner/plan";
import type { ExpectedSchedule } from "./yugabyte";

/** The snapshot schedule the bootstrap creates, or undefined when point-in-time recovery is off. */
export const expectedScheduleOf = (plan: ClusterPlan): ExpectedSchedule | undefined => plan.backup.pointInTime;
