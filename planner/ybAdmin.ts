/**
 * Every yb-admin subcommand this project runs — in the bootstrap (planner/bootstrap.ts), in `verify` and in `rewind`
 * — in one list. test/verify/ybAdmin.test.ts checks each against upstream's own names (recorded there from
 * yugabyte/yugabyte-db src/yb/tools/yb-admin_cli.cc, ClusterAdminCli::RegisterCommandHandlers) and that the rendered
 * scripts use nothing else.
 */
export const YB_ADMIN = {
  /** `list_all_tablet_servers`: the bootstrap waits until every tserver is ALIVE. */
  listAllTabletServers: "list_all_tablet_servers",
  /** `modify_placement_info <c.r.z:min,...> <rf>` */
  modifyPlacementInfo: "modify_placement_info",
  /** `set_preferred_zones <c.r.z:priority> ...` */
  setPreferredZones: "set_preferred_zones",
  /** `get_universe_config`: the cluster config as JSON (verify reads the placement from it). */
  getUniverseConfig: "get_universe_config",
  /** `create_snapshot_schedule <interval-minutes> <retention-minutes> ysql.<db>` (prints `{"schedule_id": ...}`). */
  createSnapshotSchedule: "create_snapshot_schedule",
  /** `list_snapshot_schedules [<schedule_id>]` (JSON: schedules[].{id, options.{filter, interval, retention}, snapshots[]}). */
  listSnapshotSchedules: "list_snapshot_schedules",
  /** `restore_snapshot_schedule <schedule_id> (<timestamp> | minus <interval>)` (prints `{"restoration_id": ...}`). */
  restoreSnapshotSchedule: "restore_snapshot_schedule",
  /** `list_snapshot_restorations [<restoration_id>]` (JSON: restorations[].{id, snapshot_id, state}). */
  listSnapshotRestorations: "list_snapshot_restorations",
} as const;

export type YbAdminSubcommand = (typeof YB_ADMIN)[keyof typeof YB_ADMIN];
export const YB_ADMIN_SUBCOMMANDS: readonly YbAdminSubcommand[] = Object.values(YB_ADMIN);
