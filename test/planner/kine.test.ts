import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kineArgs, kineDsn, kinePassfileDsn, pgpassLine, type KineDatabaseEndpoint } from "../../planner/kine";

const ep: KineDatabaseEndpoint = { host: "yb-zone-a-0", port: 5433, database: "kine", user: "kine", sslmode: "disable" };

describe("Kine command line and DSN", () => {
  it("percent-encodes any password so the DSN stays a valid URL", () => {
    fc.assert(
      fc.property(fc.string(), (pw) => {
        const u = new URL(kineDsn(ep, pw));
        expect(decodeURIComponent(u.password)).toBe(pw);
        expect(u.pathname).toBe("/kine");
        expect(u.searchParams.get("sslmode")).toBe("disable");
      }),
    );
  });

  it("puts no secret in the passfile DSN, and the passfile line matches any database for the role", () => {
    const dsn = kinePassfileDsn(ep, "/etc/kine/pgpass");
    expect(new URL(dsn).password).toBe("");
    expect(new URL(dsn).searchParams.get("passfile")).toBe("/etc/kine/pgpass");
    expect(pgpassLine(ep, "s3cret")).toBe("yb-zone-a-0:5433:*:kine:s3cret\n");
    expect(pgpassLine({ ...ep, host: "::1" }, "a:b\\c")).toBe("\\:\\:1:5433:*:kine:a\\:b\\\\c\n");
  });

  it("adds TLS flags on both sides only when asked", () => {
    expect(kineArgs({}).some((a) => a.includes("cert"))).toBe(false);
    const args = kineArgs({ tls: { serverCertFile: "/s.crt", serverKeyFile: "/s.key", trustedCaFile: "/ca.crt", dbCaFile: "/db-ca.crt" } });
    expect(args).toEqual(expect.arrayContaining(["--server-cert-file=/s.crt", "--server-key-file=/s.key", "--trusted-ca-file=/ca.crt", "--ca-file=/db-ca.crt"]));
  });
});
