import { describe, expect, it } from "vitest";
import { KINE_INDEXES, kineSchemaStatements, UPSTREAM_KINE_STATEMENTS } from "../../planner/kineSchema";

describe("Kine schema DDL", () => {
  const yb = kineSchemaStatements("kine", "yugabytedb");
  const pg = kineSchemaStatements("kine", "postgres");

  it("uses a range-sharded primary key with the default constraint name on YugabyteDB", () => {
    expect(yb[0]).toMatch(/PRIMARY KEY \(id ASC\)/);
    expect(yb[0]).not.toMatch(/CONSTRAINT/i); // default name kine_pkey, matched by Kine's insert retry
    expect(pg[0]).toMatch(/PRIMARY KEY \(id\)\n/);
  });

  it("keeps every column of upstream Kine with its type, name COLLATE \"C\"", () => {
    for (const col of ["id BIGSERIAL", 'name text COLLATE "C"', "created INTEGER", "deleted INTEGER", "create_revision BIGINT", "prev_revision BIGINT", "lease INTEGER", "value bytea", "old_value bytea"])
      expect(yb[0]).toContain(col);
  });

  it("creates exactly upstream's six indexes by name, all range, the unique one covering id", () => {
    const upstreamNames = UPSTREAM_KINE_STATEMENTS.slice(1).map((s) => s.match(/EXISTS (\w+)/)?.[1]);
    const ours = yb.filter((s) => s.includes("INDEX")).map((s) => s.match(/EXISTS (\w+)/)?.[1]);
    expect(ours).toEqual(upstreamNames);
    for (const s of yb.filter((x) => x.includes("INDEX"))) {
      const cols = s.slice(s.indexOf("(") + 1, s.indexOf(")")).split(",").map((c) => c.trim());
      for (const c of cols) expect(c).toMatch(/ (ASC|DESC)$/); // never left to YugabyteDB's hash default
    }
    expect(yb).toContain("CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name ASC, prev_revision ASC) INCLUDE (id);");
    expect(KINE_INDEXES.find((i) => i.name === "kine_list_query_index")?.columns.map((c) => c.order)).toEqual(["ASC", "DESC", "ASC"]);
  });

  it("enables batched nested loop joins on YugabyteDB only", () => {
    expect(yb.at(-1)).toBe("ALTER DATABASE kine SET yb_bnl_batch_size = 1024;");
    expect(pg.some((s) => s.includes("yb_bnl_batch_size"))).toBe(false);
  });

  it("differs between dialects only in the primary key and yb_bnl_batch_size", () => {
    expect(pg.length).toBe(yb.length - 1);
    pg.forEach((s, i) => expect(s.replace("PRIMARY KEY (id)", "PRIMARY KEY (id ASC)")).toBe(yb[i]));
  });

  it("is idempotent: every statement is IF NOT EXISTS or a setting", () => {
    for (const s of yb) expect(s).toMatch(/IF NOT EXISTS|^ALTER DATABASE/);
  });

  it("rejects database names Kine would not match", () => {
    expect(() => kineSchemaStatements("Kine", "postgres")).toThrow(/database name/);
    expect(() => kineSchemaStatements("kine; drop table x", "postgres")).toThrow(/database name/);
  });
});
