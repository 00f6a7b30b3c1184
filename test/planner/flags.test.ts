import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeTserverFlags, parseYugabytedFlags, renderYugabytedFlags, REQUIRED_TSERVER_FLAGS } from "../../planner/flags";

const flagName = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/);
const flagValue = fc.oneof(fc.integer(), fc.boolean(), fc.stringMatching(/^[A-Za-z0-9_.,:/-]{0,16}$/));

describe("tserver flag map", () => {
  it("always carries ysql_sequence_cache_minval=1, whatever the user sets", () => {
    fc.assert(
      fc.property(fc.dictionary(flagName, flagValue), (user) => {
        const merged = mergeTserverFlags({ ...user, ysql_sequence_cache_minval: 100 });
        expect(merged.ysql_sequence_cache_minval).toBe("1");
        const parsed = parseYugabytedFlags(renderYugabytedFlags(merged));
        expect(parsed.ysql_sequence_cache_minval).toBe("1");
      }),
    );
  });

  it("keeps every user flag other than the required ones, with its value", () => {
    fc.assert(
      fc.property(fc.dictionary(flagName, flagValue), (user) => {
        const merged = mergeTserverFlags(user);
        for (const [k, v] of Object.entries(user)) {
          if (k in REQUIRED_TSERVER_FLAGS) continue;
          expect(merged[k]).toBe(String(v));
        }
      }),
    );
  });

  it("renders and parses back losslessly, CSV values inside braces", () => {
    fc.assert(
      fc.property(fc.dictionary(flagName, fc.stringMatching(/^[A-Za-z0-9_.,:/-]{0,16}$/)), (user) => {
        const merged = mergeTserverFlags(user);
        expect(parseYugabytedFlags(renderYugabytedFlags(merged))).toEqual({ ...merged });
      }),
    );
    expect(renderYugabytedFlags({ ysql_pg_conf_csv: "a=1,b=2", x: "y" })).toBe("ysql_pg_conf_csv={a=1,b=2},x=y");
  });

  it("renders keys in a stable order so previews do not churn", () => {
    expect(Object.keys(mergeTserverFlags({ zz: 1, aa: 2 }))).toEqual([...Object.keys(mergeTserverFlags({ zz: 1, aa: 2 }))].sort());
  });
});
