/**
 * Every yb-admin subcommand the project runs (planner/ybAdmin.ts) exists upstream, and the rendered scripts use no
 * other. UPSTREAM is the list of operations yb-admin registers, recorded from yugabyte/yugabyte-db
 * src/yb/tools/yb-admin_cli.cc, `ClusterAdminCli::RegisterCommandHandlers()` (REGISTER_COMMAND lines, master branch at
 * commit 00743dee8dced2a78e7dd67add664e3655b96873). The argument shapes used are from the same file:
 *   create_snapshot_schedule <snapshot_interval_in_minutes> <snapshot_retention_in_minutes> <keyspace>  (3 arguments)
 *   list_snapshot_schedules [<schedule_id>]
 *   restore_snapshot_schedule <schedule_id> (<timestamp> | minus <interval>)
 * and docs.yugabyte.com "Enable and disable PITR": `yb-admin --master_addresses ... create_snapshot_schedule 1440 4320
 * ysql.<database_name>`.
 */
import { describe, expect, it } from "vitest";
import { renderBootstrapScript } from "../../planner/bootstrap";
import { YB_ADMIN, YB_ADMIN_SUBCOMMANDS } from "../../planner/ybAdmin";
import { devConfig, localConfig, planOf, prodConfig, stagingConfig } from "../support/topologies";

const UPSTREAM = [
  "change_config", "list_tablet_servers", "backfill_indexes_for_table", "list_tables", "list_tables_with_db_types", "list_tablets",
  "modify_table_placement_info", "modify_placement_info", "clear_placement_info", "add_read_replica_placement_info",
  "modify_read_replica_placement_info", "delete_read_replica_placement_info", "list_namespaces", "delete_namespace",
  "delete_namespace_by_id", "delete_table", "delete_table_by_id", "delete_index", "delete_index_by_id", "flush_table",
  "flush_table_by_id", "flush_sys_catalog", "compact_sys_catalog", "compact_table", "compact_table_by_id", "compaction_status",
  "list_all_tablet_servers", "remove_tablet_server", "list_all_masters", "change_master_config", "dump_masters_state",
  "list_tablet_server_log_locations", "list_tablets_for_tablet_server", "set_load_balancer_enabled", "get_load_balancer_state",
  "get_load_move_completion", "get_leader_blacklist_completion", "get_is_load_balancer_idle", "list_leader_counts",
  "setup_redis_table", "drop_redis_table", "get_universe_config", "get_xcluster_info", "change_blacklist", "change_leader_blacklist",
  "master_leader_stepdown", "leader_stepdown", "split_tablet", "disable_tablet_splitting", "is_tablet_splitting_complete",
  "create_transaction_table", "add_transaction_tablet", "ysql_catalog_version", "ddl_log", "set_wal_retention_secs",
  "get_wal_retention_secs", "list_snapshots", "create_snapshot", "list_snapshot_restorations", "create_snapshot_schedule",
  "list_snapshot_schedules", "delete_snapshot_schedule", "restore_snapshot_schedule", "clone_namespace", "list_clones",
  "edit_snapshot_schedule", "create_keyspace_snapshot", "create_database_snapshot", "restore_snapshot", "export_snapshot",
  "import_snapshot", "import_snapshot_selective", "delete_snapshot", "abort_snapshot_restore", "list_replica_type_counts",
  "set_preferred_zones", "rotate_universe_key", "disable_encryption", "is_encryption_enabled", "add_universe_key_to_all_masters",
  "all_masters_have_universe_key_in_memory", "rotate_universe_key_in_memory", "disable_encryption_in_memory",
  "write_universe_key_to_file", "are_nodes_safe_to_take_down", "get_table_hash",
] as const;

describe("yb-admin subcommands", () => {
  it("every one the project uses is an operation upstream's yb-admin registers", () => {
    for (const c of YB_ADMIN_SUBCOMMANDS) expect(UPSTREAM, c).toContain(c);
    expect(new Set(YB_ADMIN_SUBCOMMANDS).size).toBe(YB_ADMIN_SUBCOMMANDS.length);
  });

  it("the rendered bootstraps call yb-admin with nothing outside the list (PITR on and off, TLS on and off)", () => {
    const configs = [localConfig(), { ...localConfig(), backup: { pointInTime: { enabled: true } } }, devConfig(), stagingConfig(), prodConfig(), { ...prodConfig(), tls: { enabled: true } }];
    const used = new Set<string>();
    for (const cfg of configs) {
      const script = renderBootstrapScript(planOf(cfg));
      // `.../yb-admin -master_addresses "$MASTERS" [-certs_dir_name '...'] <subcommand>`
      for (const m of script.matchAll(/\/yb-admin -master_addresses "\$MASTERS"(?: -certs_dir_name '[^']*')? (\w+)/g)) used.add(m[1]);
      expect(script.split("/yb-admin ").length - 1, "every yb-admin call is in the recognised form").toBe([...script.matchAll(/\/yb-admin -master_addresses "\$MASTERS"(?: -certs_dir_name '[^']*')? (\w+)/g)].length);
    }
    for (const c of used) expect(YB_ADMIN_SUBCOMMANDS as readonly string[], c).toContain(c);
    expect([...used].sort()).toEqual(
      [YB_ADMIN.listAllTabletServers, YB_ADMIN.modifyPlacementInfo, YB_ADMIN.setPreferredZones, YB_ADMIN.listSnapshotSchedules, YB_ADMIN.createSnapshotSchedule].sort(),
    );
  });
});
