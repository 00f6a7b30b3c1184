/**
 * verify's Kine schema checks, against what the database reports (pg_indexes, pg_constraint, information_schema),
 * compared with the planner's own description of the schema (planner/kineSchema.ts: KINE_INDEXES, KINE_COLUMNS,
 * KINE_PRIMARY_KEY, YB_BNL_BATCH_SIZE — one source of truth; the DDL the bootstrap applies is rendered from it too).
 * On YugabyteDB every index and the primary key must be range-sharded (`lsm (id ASC)`, never `HASH`); on PostgreSQL
 * the same shape is btree. The parsing and comparison are pure; `runSchemaChecks` takes any SQL runner.
 */
import { KINE_COLUMNS, KINE_INDEXES, KINE_PRIMARY_KEY, KINE_TABLE, YB_BNL_BATCH_SIZE, type KineIndex, type SqlDialect } from "../../planner/kineSchema";
import { fail, ok, type CheckResult } from "./result";

export type KeyOrder = "ASC" | "DESC" | "HASH";

export interface ParsedIndex {
  readonly name: string;
  readonly unique: boolean;
  /** `btree` (PostgreSQL), `lsm` (YugabyteDB), ... */
  readonly method: string;
  readonly columns: readonly { readonly column: string; readonly order: KeyOrder }[];
  readonly include: readonly string[];
}

/** Split on commas outside parentheses and quotes. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = "";
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === "(") depth++;
    if (!quoted && ch === ")") depth--;
    if (!quoted && depth === 0 && ch === ",") {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The text inside the parentheses that open at `start` (which must be "("), and the index after them. */
function balanced(s: string, start: number): [string, number] {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    if (s[i] === "(") depth++;
    else if (s[i] === ")" && --depth === 0) return [s.slice(start + 1, i), i + 1];
  }
  throw new Error(`unbalanced parentheses in ${s}`);
}

const unquote = (id: string) => (id.startsWith('"') && id.endsWith('"') ? id.slice(1, -1) : id);

/**
 * Parse a `pg_indexes.indexdef`, e.g. `CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON public.kine USING lsm
 * (name ASC, prev_revision ASC) INCLUDE (id)`; YugabyteDB hash keys look like `lsm (name HASH)` or
 * `lsm ((name, id) HASH, deleted ASC)`. A key without an order is ASC (PostgreSQL omits the default).
 */
export function parseIndexDef(def: string): ParsedIndex {
  const head = /^CREATE (UNIQUE )?INDEX (\S+) ON (\S+) USING (\w+) /.exec(def);
  if (!head) throw new Error(`not an index definition: ${def}`);
  const [keys, after] = balanced(def, head[0].length);
  const columns: { column: string; order: KeyOrder }[] = [];
  for (const part of splitTopLevel(keys)) {
    if (part.startsWith("(")) {
      const [group, rest] = balanced(part, 0);
      const order = /\bHASH\b/.test(part.slice(rest)) ? "HASH" : /\bDESC\b/.test(part.slice(rest)) ? "DESC" : "ASC";
      for (const c of splitTopLevel(group)) columns.push({ column: unquote(c.split(/\s+/)[0]), order });
      continue;
    }
    const tokens = part.split(/\s+/);
    const order: KeyOrder = tokens.includes("HASH") ? "HASH" : tokens.includes("DESC") ? "DESC" : "ASC";
    columns.push({ column: unquote(tokens[0]), order });
  }
  const tail = def.slice(after);
  const inc = /^\s*INCLUDE \(/.exec(tail);
  const include = inc ? splitTopLevel(balanced(tail, inc[0].length - 1)[0]).map(unquote) : [];
  return { name: unquote(head[2]), unique: Boolean(head[1]), method: head[4], columns, include };
}

export const indexMethod = (dialect: SqlDialect): string => (dialect === "yugabytedb" ? "lsm" : "btree");

const renderKeys = (cols: ParsedIndex["columns"]) => cols.map((c) => `${c.column} ${c.order}`).join(", ");

/** Compare one index with its planned shape; returns the differences (empty when it matches). */
export function compareIndex(actual: ParsedIndex, planned: Pick<KineIndex, "name" | "unique" | "columns" | "include">, dialect: SqlDialect): string[] {
  const problems: string[] = [];
  const hashed = actual.columns.filter((c) => c.order === "HASH").map((c) => c.column);
  if (hashed.length) problems.push(`hash-sharded on ${hashed.join(", ")} (range scans need ASC/DESC keys)`);
  if (actual.method !== indexMethod(dialect)) problems.push(`uses ${actual.method}, expected ${indexMethod(dialect)}`);
  if (actual.unique !== planned.unique) problems.push(planned.unique ? "is not UNIQUE" : "is UNIQUE, planned non-unique");
  const want = renderKeys(planned.columns);
  const have = renderKeys(actual.columns);
  if (want !== have && !hashed.length) problems.push(`keys (${have}), planned (${want})`);
  else if (want !== have) problems.push(`planned keys (${want})`);
  const wantInc = planned.include.join(", ");
  const haveInc = actual.include.join(", ");
  if (wantInc !== haveInc) problems.push(wantInc ? `missing INCLUDE (${wantInc})${haveInc ? `, has INCLUDE (${haveInc})` : ""}` : `has INCLUDE (${haveInc}), planned none`);
  return problems;
}

/** The shape the primary key's index must have: unique, range on id. */
export const PRIMARY_KEY_SHAPE = { name: KINE_PRIMARY_KEY, unique: true, columns: [{ column: "id", order: "ASC" as const }], include: [] as string[] };

/** What information_schema.columns reports for each planned column type. */
export function expectedColumn(type: string): { dataType: string; collation?: string; serial: boolean } {
  const base = type.replace(/\s+COLLATE\s+"?([^"\s]+)"?/i, "").trim().toLowerCase();
  const collation = /COLLATE\s+"?([^"\s]+)"?/i.exec(type)?.[1];
  const map: Record<string, string> = { bigserial: "bigint", serial: "integer", integer: "integer", int: "integer", bigint: "bigint", text: "text", bytea: "bytea" };
  const dataType = map[base];
  if (!dataType) throw new Error(`verify does not know how information_schema reports column type ${type}`);
  return { dataType, collation, serial: base.endsWith("serial") };
}

export interface SchemaFacts {
  readonly version: string;
  readonly tableExists: boolean;
  /** pg_indexes: name -> indexdef */
  readonly indexes: Readonly<Record<string, string>>;
  /** pg_constraint: name -> contype (p, u, ...) */
  readonly constraints: Readonly<Record<string, string>>;
  readonly columns: readonly { readonly name: string; readonly dataType: string; readonly collation: string; readonly defaultValue: string }[];
  /** pg_db_role_setting of the current database (all roles): `name=value` entries. */
  readonly databaseSettings: readonly string[];
}

export const detectDialect = (version: string): SqlDialect => (/-YB-/.test(version) ? "yugabytedb" : "postgres");

/** Every schema check line from what the database reported. Pure. */
export function evaluateSchema(f: SchemaFacts): CheckResult[] {
  const dialect = detectDialect(f.version);
  const label = dialect === "yugabytedb" ? "YugabyteDB" : "PostgreSQL";
  if (!f.tableExists) return [fail("schema.table", `no table ${KINE_TABLE} in the database (${label}): the bootstrap has not run, or this is not Kine's database`)];
  const out: CheckResult[] = [];

  // Columns: names, types, name's COLLATE "C", id's sequence.
  const colProblems: string[] = [];
  for (const c of KINE_COLUMNS) {
    const have = f.columns.find((x) => x.name === c.name);
    const want = expectedColumn(c.type);
    if (!have) colProblems.push(`${c.name} missing`);
    else {
      if (have.dataType !== want.dataType) colProblems.push(`${c.name} is ${have.dataType}, planned ${want.dataType}`);
      if (want.collation && have.collation !== want.collation) colProblems.push(`${c.name} has collation ${have.collation || "(database default)"}, planned "${want.collation}"`);
      if (want.serial && !/^nextval\(/.test(have.defaultValue)) colProblems.push(`${c.name} has no sequence default (${have.defaultValue || "none"})`);
    }
  }
  out.push(colProblems.length ? fail("schema.columns", colProblems.join("; ")) : ok("schema.columns", `${KINE_COLUMNS.length} columns as planned, name COLLATE "C" (${label})`));

  // Primary key: constraint named kine_pkey (Kine's insert retry matches the name), range on id.
  const pkDef = f.indexes[KINE_PRIMARY_KEY];
  if (f.constraints[KINE_PRIMARY_KEY] !== "p" || !pkDef) {
    const pk = Object.entries(f.constraints).find(([, t]) => t === "p")?.[0];
    out.push(fail("schema.primary-key", `no primary key constraint named ${KINE_PRIMARY_KEY}${pk ? ` (the primary key is named ${pk})` : ""}: Kine's insert retry matches that name`));
  } else {
    const problems = compareIndex(parseIndexDef(pkDef), PRIMARY_KEY_SHAPE, dialect);
    out.push(problems.length ? fail("schema.primary-key", `${KINE_PRIMARY_KEY} ${problems.join("; ")}: ${pkDef}`) : ok("schema.primary-key", `${KINE_PRIMARY_KEY} ${indexMethod(dialect)} (id ASC)${dialect === "yugabytedb" ? ", range-sharded" : ""}`));
  }

  // Every planned index, by name, with its exact shape.
  for (const ix of KINE_INDEXES) {
    const check = `schema.index/${ix.name}`;
    const def = f.indexes[ix.name];
    if (!def) {
      out.push(fail(check, `missing (Kine would create it ${dialect === "yugabytedb" ? "hash-sharded" : "without our shape"} on its next start)`));
      continue;
    }
    const problems = compareIndex(parseIndexDef(def), ix, dialect);
    out.push(problems.length ? fail(check, `${problems.join("; ")}: ${def}`) : ok(check, def.replace(/^CREATE /, "").replace(/ ON \S+ /, " ")));
  }

  // Database-level setting the plan renders on YugabyteDB.
  if (dialect === "yugabytedb") {
    const want = `yb_bnl_batch_size=${YB_BNL_BATCH_SIZE}`;
    out.push(f.databaseSettings.includes(want) ? ok("schema.database-settings", want) : fail("schema.database-settings", `${want} not set on the database (have: ${f.databaseSettings.join(", ") || "none"})`));
  }
  return out;
}

/** Runs SQL, returns rows of column texts. */
export type SqlRunner = (sql: string) => Promise<string[][]>;

export const SCHEMA_QUERIES = {
  version: "SELECT version()",
  table: `SELECT to_regclass('${KINE_TABLE}') IS NOT NULL`,
  indexes: `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '${KINE_TABLE}' AND schemaname = current_schema() ORDER BY indexname`,
  constraints: `SELECT conname, contype FROM pg_constraint WHERE conrelid = to_regclass('${KINE_TABLE}') ORDER BY conname`,
  columns: `SELECT column_name, data_type, coalesce(collation_name, ''), coalesce(column_default, '') FROM information_schema.columns WHERE table_name = '${KINE_TABLE}' AND table_schema = current_schema() ORDER BY ordinal_position`,
  settings: "SELECT unnest(setconfig) FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())",
} as const;

export async function readSchemaFacts(sql: SqlRunner): Promise<SchemaFacts> {
  const version = (await sql(SCHEMA_QUERIES.version))[0]?.[0] ?? "";
  const tableExists = (await sql(SCHEMA_QUERIES.table))[0]?.[0] === "t";
  if (!tableExists) return { version, tableExists, indexes: {}, constraints: {}, columns: [], databaseSettings: [] };
  const indexes = Object.fromEntries((await sql(SCHEMA_QUERIES.indexes)).map(([n, d]) => [n, d]));
  const constraints = Object.fromEntries((await sql(SCHEMA_QUERIES.constraints)).map(([n, t]) => [n, t]));
  const columns = (await sql(SCHEMA_QUERIES.columns)).map(([name, dataType, collation, defaultValue]) => ({ name, dataType, collation, defaultValue }));
  const databaseSettings = (await sql(SCHEMA_QUERIES.settings)).map(([s]) => s).filter((s) => s.length > 0);
  return { version, tableExists, indexes, constraints, columns, databaseSettings };
}

export async function runSchemaChecks(sql: SqlRunner): Promise<CheckResult[]> {
  let facts: SchemaFacts;
  try {
    facts = await readSchemaFacts(sql);
  } catch (e) {
    return [fail("schema", `cannot read the schema: ${e instanceof Error ? e.message : String(e)}`)];
  }
  return evaluateSchema(facts);
}
