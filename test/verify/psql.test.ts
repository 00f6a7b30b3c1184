/** verify's SQL goes through psql with the DSN in libpq environment variables, never on the command line. */
import { describe, expect, it } from "vitest";
import { dsnToEnv } from "../../lib/verify/psql";

describe("dsnToEnv", () => {
  it("maps the program's ysqlConnectionString to PG* variables, decoding the percent-encoded password", () => {
    expect(dsnToEnv("postgresql://kine:p%40ss%3Aw@127.0.0.1:5433/kine?sslmode=disable")).toEqual({
      PGHOST: "127.0.0.1",
      PGPORT: "5433",
      PGUSER: "kine",
      PGPASSWORD: "p@ss:w",
      PGDATABASE: "kine",
      PGSSLMODE: "disable",
      PGCONNECT_TIMEOUT: "10",
    });
  });
  it("carries TLS and passfile parameters and refuses anything else", () => {
    expect(dsnToEnv("postgres://kine@ysql.x.internal:5433/kine?sslmode=verify-full&sslrootcert=/ca.crt&passfile=/p")).toMatchObject({ PGSSLMODE: "verify-full", PGSSLROOTCERT: "/ca.crt", PGPASSFILE: "/p" });
    expect(() => dsnToEnv("mysql://x@h/db")).toThrow(/scheme/);
    expect(() => dsnToEnv("postgres://x@h/db?options=-c%20x")).toThrow(/options/);
    expect(() => dsnToEnv("not a url")).toThrow(/not a postgres:\/\/ URL/);
  });
});
