/**
 * The Kine schema, created before Kine first starts. Stock Kine only runs `CREATE ... IF NOT EXISTS` matched by name
 * (k3s-io/kine pkg/drivers/pgsql/pgsql.go, v0.16.x), so a pre-created schema with the same names is kept as is.
 * That is how users get the three YugabyteDB optimisations of the dmagda/kine-yugabytedb fork with stock, pinned Kine:
 *  1. a range-sharded primary key `PRIMARY KEY (id ASC)` (Kubernetes issues many range scans on id);
 *  2. a covering unique index `(name ASC, prev_revision ASC) INCLUDE (id)` (no extra hop to the table);
 *  3. batched nested loop joins `yb_bnl_batch_size = 1024` on the database.
 * Every index is range (ASC): an index left to Kine would be created hash-sharded on YugabyteDB.
 * Names must match upstream exactly: the primary key keeps its default name `kine_pkey`, which Kine's insert retry
 * matches on.
 */
export type SqlDialect = "yugabytedb" | "postgres";
export const SQL_DIALECTS: readonly SqlDialect[] = ["yugabytedb", "postgres"];

export const KINE_TABLE = "kine";
export const KINE_PRIMARY_KEY = "kine_pkey";

export interface KineIndex {
  readonly name: string;
  readonly unique: boolean;
  /** Key columns with their order, in the order they appear. */
  readonly columns: readonly { readonly column: string; readonly order: "ASC" | "DESC" }[];
  readonly include: readonly string[];
}

const asc = (column: string) => ({ column, order: "ASC" as const });
const desc = (column: string) => ({ column, order: "DESC" as const });

/** The six indexes of upstream Kine's pgsql driver, with our range/covering shape. */
export const KINE_INDEXES: readonly KineIndex[] = [
  { name: "kine_name_index", unique: false, columns: [asc("name")], include: [] },
  { name: "kine_name_id_index", unique: false, columns: [asc("name"), asc("id")], include: [] },
  { name: "kine_id_deleted_index", unique: false, columns: [asc("id"), asc("deleted")], include: [] },
  { name: "kine_prev_revision_index", unique: false, columns: [asc("prev_revision")], include: [] },
  { name: "kine_name_prev_revision_uindex", unique: true, columns: [asc("name"), asc("prev_revision")], include: ["id"] },
  { name: "kine_list_query_index", unique: false, columns: [asc("name"), desc("id"), asc("deleted")], include: [] },
];

export const KINE_COLUMNS: readonly { readonly name: string; readonly type: string }[] = [
  { name: "id", type: "BIGSERIAL" },
  { name: "name", type: 'text COLLATE "C"' },
  { name: "created", type: "INTEGER" },
  { name: "deleted", type: "INTEGER" },
  { name: "create_revision", type: "BIGINT" },
  { name: "prev_revision", type: "BIGINT" },
  { name: "lease", type: "INTEGER" },
  { name: "value", type: "bytea" },
  { name: "old_value", type: "bytea" },
];

/** Batched nested loop join size for YugabyteDB (older releases defaulted to 1: one row per round trip). */
export const YB_BNL_BATCH_SIZE = 1024;

const DB_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertDatabaseName(database: string): void {
  // Kine lower-cases the database name in its DSN; a quoted mixed-case name would never match.
  if (!DB_NAME.test(database)) throw new Error(`database name must match ${DB_NAME}: ${JSON.stringify(database)}`);
}

const renderIndex = (ix: KineIndex): string => {
  const cols = ix.columns.map((c) => `${c.column} ${c.order}`).join(", ");
  const include = ix.include.length ? ` INCLUDE (${ix.include.join(", ")})` : "";
  return `CREATE ${ix.unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS ${ix.name} ON ${KINE_TABLE} (${cols})${include};`;
};

/** The exact statements the program applies, in order. Each is idempotent. */
export function kineSchemaStatements(database: string, dialect: SqlDialect): string[] {
  assertDatabaseName(database);
  const primaryKey = dialect === "yugabytedb" ? "PRIMARY KEY (id ASC)" : "PRIMARY KEY (id)";
  const columns = KINE_COLUMNS.map((c) => `  ${c.name} ${c.type},`).join("\n");
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${KINE_TABLE} (\n${columns}\n  ${primaryKey}\n);`,
    ...KINE_INDEXES.map(renderIndex),
  ];
  if (dialect === "yugabytedb") statements.push(`ALTER DATABASE ${database} SET yb_bnl_batch_size = ${YB_BNL_BATCH_SIZE};`);
  return statements;
}

export const renderKineSchemaSql = (database: string, dialect: SqlDialect): string =>
  kineSchemaStatements(database, dialect).join("\n") + "\n";

/**
 * Upstream Kine's own schema statements (pgsql.go v0.16.x), verbatim in substance. Used by tests to prove that running
 * them over our schema is a no-op, and by the bench as the "Kine made it itself" baseline.
 */
export const UPSTREAM_KINE_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS kine (id BIGSERIAL PRIMARY KEY, name text COLLATE "C", created INTEGER, deleted INTEGER, create_revision BIGINT, prev_revision BIGINT, lease INTEGER, value bytea, old_value bytea)`,
  `CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name)`,
  `CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name,id)`,
  `CREATE INDEX IF NOT EXISTS kine_id_deleted_index ON kine (id,deleted)`,
  `CREATE INDEX IF NOT EXISTS kine_prev_revision_index ON kine (prev_revision)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision)`,
  `CREATE INDEX IF NOT EXISTS kine_list_query_index on kine(name, id DESC, deleted)`,
];
