/** verify's schema checks (pure): index definitions as PostgreSQL and YugabyteDB print them, against the planner's list. */
import { describe, expect, it } from "vitest";
import { compareIndex, evaluateSchema, expectedColumn, parseIndexDef, type SchemaFacts } from "../../lib/verify/schema";
import { KINE_COLUMNS, KINE_INDEXES, KINE_PRIMARY_KEY, YB_BNL_BATCH_SIZE, kineSchemaStatements } from "../../planner/kineSchema";

/** pg_indexes.indexdef as each dialect prints our planned indexes (PostgreSQL omits ASC; YugabyteDB prints it). */
const def = (ix: (typeof KINE_INDEXES)[number], dialect: "postgres" | "yugabytedb") => {
  const keys = ix.columns.map((c) => (dialect === "postgres" ? (c.order === "DESC" ? `${c.column} DESC` : c.column) : `${c.column} ${c.order}`)).join(", ");
  return `CREATE ${ix.unique ? "UNIQUE " : ""}INDEX ${ix.name} ON public.kine USING ${dialect === "postgres" ? "btree" : "lsm"} (${keys})${ix.include.length ? ` INCLUDE (${ix.include.join(", ")})` : ""}`;
};

const facts = (dialect: "postgres" | "yugabytedb", edit: (f: { indexes: Record<string, string>; constraints: Record<string, string>; settings: string[] }) => void = () => undefined): SchemaFacts => {
  const indexes: Record<string, string> = Object.fromEntries(KINE_INDEXES.map((ix) => [ix.name, def(ix, dialect)]));
  indexes[KINE_PRIMARY_KEY] = `CREATE UNIQUE INDEX kine_pkey ON public.kine USING ${dialect === "postgres" ? "btree (id)" : "lsm (id ASC)"}`;
  const constraints: Record<string, string> = { [KINE_PRIMARY_KEY]: "p" };
  const settings = dialect === "yugabytedb" ? [`yb_bnl_batch_size=${YB_BNL_BATCH_SIZE}`] : [];
  edit({ indexes, constraints, settings });
  return {
    version: dialect === "postgres" ? "PostgreSQL 15.14 (Debian 15.14-0+deb12u1) on x86_64-pc-linux-gnu" : "PostgreSQL 15.2-YB-2025.2.1.0-b0 on x86_64-pc-linux-gnu",
    tableExists: true,
    indexes,
    constraints,
    columns: KINE_COLUMNS.map((c) => ({
      name: c.name,
      dataType: expectedColumn(c.type).dataType,
      collation: c.name === "name" ? "C" : "",
      defaultValue: c.name === "id" ? "nextval('kine_id_seq'::regclass)" : "",
    })),
    databaseSettings: settings,
  };
};

const failing = (f: SchemaFacts) => evaluateSchema(f).filter((r) => r.status !== "ok");

describe("parseIndexDef", () => {
  it("reads PostgreSQL's btree form (ASC omitted, DESC and INCLUDE kept)", () => {
    expect(parseIndexDef("CREATE INDEX kine_list_query_index ON public.kine USING btree (name, id DESC, deleted)")).toEqual({
      name: "kine_list_query_index",
      unique: false,
      method: "btree",
      columns: [
        { column: "name", order: "ASC" },
        { column: "id", order: "DESC" },
        { column: "deleted", order: "ASC" },
      ],
      include: [],
    });
    expect(parseIndexDef("CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON public.kine USING btree (name, prev_revision) INCLUDE (id)").include).toEqual(["id"]);
  });
  it("reads YugabyteDB's lsm form, including hash keys alone and in groups", () => {
    expect(parseIndexDef("CREATE INDEX kine_name_index ON public.kine USING lsm (name HASH)").columns).toEqual([{ column: "name", order: "HASH" }]);
    expect(parseIndexDef("CREATE INDEX kine_name_id_index ON public.kine USING lsm ((name, id) HASH, deleted ASC)").columns).toEqual([
      { column: "name", order: "HASH" },
      { column: "id", order: "HASH" },
      { column: "deleted", order: "ASC" },
    ]);
    expect(parseIndexDef('CREATE INDEX "Odd" ON public.kine USING lsm ("name" COLLATE "C" ASC)').columns).toEqual([{ column: "name", order: "ASC" }]);
  });
  it("refuses what is not an index definition", () => {
    expect(() => parseIndexDef("PRIMARY KEY (id)")).toThrow(/not an index definition/);
  });
});

describe("evaluateSchema", () => {
  it("passes the planned schema in both dialects, one line per planned index", () => {
    for (const d of ["postgres", "yugabytedb"] as const) {
      const r = evaluateSchema(facts(d));
      expect(r.filter((x) => x.status !== "ok"), d).toEqual([]);
      expect(r.filter((x) => x.check.startsWith("schema.index/")).map((x) => x.check.slice(13))).toEqual(KINE_INDEXES.map((ix) => ix.name));
    }
    expect(evaluateSchema(facts("yugabytedb")).find((r) => r.check === "schema.primary-key")?.detail).toBe("kine_pkey lsm (id ASC), range-sharded");
  });

  it("checks every index the planner renders (one source of truth: the DDL and the check share KINE_INDEXES)", () => {
    for (const d of ["postgres", "yugabytedb"] as const) {
      const rendered = kineSchemaStatements("kine", d).map((s) => /INDEX IF NOT EXISTS (\w+)/.exec(s)?.[1]).filter((x): x is string => Boolean(x));
      const checked = evaluateSchema(facts(d)).filter((r) => r.check.startsWith("schema.index/")).map((r) => r.check.slice(13));
      expect(checked).toEqual(rendered);
    }
  });

  it("fails the covering index without INCLUDE (id)", () => {
    const f = facts("postgres", (x) => (x.indexes.kine_name_prev_revision_uindex = "CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON public.kine USING btree (name, prev_revision)"));
    expect(failing(f)).toEqual([expect.objectContaining({ check: "schema.index/kine_name_prev_revision_uindex", status: "fail", detail: expect.stringMatching(/^missing INCLUDE \(id\): /) })]);
  });

  it("fails a hash-sharded primary key or index on YugabyteDB (what Kine creates when left to itself)", () => {
    const f = facts("yugabytedb", (x) => {
      x.indexes.kine_pkey = "CREATE UNIQUE INDEX kine_pkey ON public.kine USING lsm (id HASH)";
      x.indexes.kine_name_index = "CREATE INDEX kine_name_index ON public.kine USING lsm (name HASH)";
    });
    const r = failing(f);
    expect(r.map((x) => x.check)).toEqual(["schema.primary-key", "schema.index/kine_name_index"]);
    expect(r[0].detail).toMatch(/hash-sharded on id/);
  });

  it("fails a missing index, a renamed primary key, a wrong key order, btree on YugabyteDB and a missing yb_bnl_batch_size", () => {
    const f = facts("yugabytedb", (x) => {
      delete x.indexes.kine_prev_revision_index;
      delete x.constraints.kine_pkey;
      x.constraints.kine_id_pkey = "p";
      x.indexes.kine_list_query_index = "CREATE INDEX kine_list_query_index ON public.kine USING lsm (name ASC, id ASC, deleted ASC)";
      x.indexes.kine_id_deleted_index = "CREATE INDEX kine_id_deleted_index ON public.kine USING btree (id ASC, deleted ASC)";
      x.settings.length = 0;
    });
    const r = Object.fromEntries(failing(f).map((x) => [x.check, x.detail]));
    expect(Object.keys(r).sort()).toEqual(
      ["schema.database-settings", "schema.index/kine_id_deleted_index", "schema.index/kine_list_query_index", "schema.index/kine_prev_revision_index", "schema.primary-key"].sort(),
    );
    expect(r["schema.primary-key"]).toMatch(/named kine_id_pkey/);
    expect(r["schema.index/kine_list_query_index"]).toMatch(/keys \(name ASC, id ASC, deleted ASC\), planned \(name ASC, id DESC, deleted ASC\)/);
    expect(r["schema.index/kine_id_deleted_index"]).toMatch(/uses btree, expected lsm/);
    expect(r["schema.database-settings"]).toMatch(/yb_bnl_batch_size=1024 not set/);
  });

  it("fails name without COLLATE \"C\" and a missing table", () => {
    const f = facts("postgres");
    const noCollate = { ...f, columns: f.columns.map((c) => (c.name === "name" ? { ...c, collation: "" } : c)) };
    expect(failing(noCollate)).toEqual([expect.objectContaining({ check: "schema.columns", detail: expect.stringMatching(/name has collation \(database default\), planned "C"/) })]);
    expect(evaluateSchema({ ...f, tableExists: false })).toEqual([expect.objectContaining({ check: "schema.table", status: "fail" })]);
  });

  it("compareIndex names every difference", () => {
    const ix = KINE_INDEXES.find((i) => i.name === "kine_name_prev_revision_uindex")!;
    expect(compareIndex(parseIndexDef("CREATE INDEX x ON kine USING lsm (name HASH, prev_revision ASC) INCLUDE (created)"), ix, "yugabytedb")).toEqual([
      "hash-sharded on name (range scans need ASC/DESC keys)",
      "is not UNIQUE",
      "planned keys (name ASC, prev_revision ASC)",
      "missing INCLUDE (id), has INCLUDE (created)",
    ]);
  });
});
