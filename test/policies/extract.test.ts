import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  classifySegment,
  decodeUserData,
  flagValues,
  imageRepository,
  imageTag,
  processesInArgv,
  processesInScript,
  splitShell,
  substituteEnv,
  userDataOf,
  workloadOf,
} from "../../policies/extract";
import { ec2, k3sUserData, kineUserData, res, ybStatefulSet, ybUserData } from "./fixtures";

describe("splitShell", () => {
  it("keeps quoted words whole and splits commands on newlines, ; && |", () => {
    expect(splitShell(`a --x="1 2" 'b c'; d && e | f\ng`)).toEqual([["a", "--x=1 2", "b c"], ["d"], ["e"], ["f"], ["g"]]);
  });
  it("joins line continuations and keeps $(...) in one word", () => {
    expect(splitShell("k3s server \\\n  --token=$(cat /run/tok en) # comment\nnext")).toEqual([
      ["k3s", "server", "--token=$(cat /run/tok en)"],
      ["next"],
    ]);
  });
  it("unescapes inside double quotes", () => {
    expect(splitShell(String.raw`echo "a\"b" \$HOME`)).toEqual([["echo", 'a"b', "$HOME"]]);
  });
});

describe("flags and launches", () => {
  it("reads --flag=value and --flag value", () => {
    expect(flagValues(["--rf=3", "--tserver_flags", "a=1", "--x"], "--rf")).toEqual(["3"]);
    expect(flagValues(["--rf=3", "--tserver_flags", "a=1", "--x"], "--tserver_flags")).toEqual(["a=1"]);
  });
  it("classifies yugabyted, kine and k3s command lines", () => {
    expect(classifySegment(["bin/yugabyted", "start", "--x"])).toEqual({ kind: "yb-start", args: ["--x"] });
    expect(classifySegment(["/home/yugabyte/bin/yugabyted", "configure", "data_placement", "--rf=3"])?.kind).toBe("yb-configure");
    expect(classifySegment(["ExecStart=/usr/local/bin/kine", "--endpoint", "x"])?.kind).toBe("kine");
    expect(classifySegment(["chmod", "+x", "/usr/local/bin/kine"])).toBeUndefined();
    expect(classifySegment(["k3s", "server", "--datastore-endpoint=https://k:2379"])).toEqual({
      kind: "k3s-server",
      args: ["--datastore-endpoint=https://k:2379"],
    });
    expect(classifySegment(["INSTALL_K3S_EXEC=server --disable-agent", "sh", "-s", "-", "--token-file", "/t"])).toEqual({
      kind: "k3s-server",
      args: ["--disable-agent", "--token-file", "/t"],
    });
  });
  it("reads yb-admin modify_placement_info as a placement step", () => {
    const script = `/home/yugabyte/bin/yb-admin -master_addresses "$MASTERS" modify_placement_info 'local.dc1.zone-a:1,local.dc1.zone-b:1,local.dc1.zone-c:1' 3`;
    expect(processesInScript(script)).toEqual([
      { kind: "yb-configure", args: ["--constraint_value=local.dc1.zone-a:1,local.dc1.zone-b:1,local.dc1.zone-c:1", "--rf=3"] },
    ]);
  });
  it("reads the installer pipe form and systemd units in heredocs", () => {
    expect(processesInScript(k3sUserData).map((p) => p.kind)).toEqual(["k3s-server"]);
    expect(processesInScript(kineUserData).map((p) => p.kind)).toEqual(["kine"]);
    const [yb] = processesInScript(ybUserData("aws.us-east-1.us-east-1a"));
    expect(yb.kind).toBe("yb-start");
    expect(flagValues(yb.args, "--tserver_flags")).toEqual(["ysql_enable_auth=true,ysql_sequence_cache_minval=1"]);
  });
  it("uses the image when a container's argv is only flags, and substitutes env", () => {
    expect(processesInArgv(["--listen-address", "0.0.0.0:2379"], "rancher/kine:v0.16.4", {})[0].kind).toBe("kine");
    expect(processesInArgv(["server", "--x"], "rancher/k3s:v1.36.3-k3s1", {})[0]).toEqual({ kind: "k3s-server", args: ["--x"] });
    expect(processesInArgv(["server"], "busybox:1.36", {})).toEqual([]);
    // a RemoteImage's id instead of a name: recognised by the flags only Kine / k3s take
    const id = "sha256:" + "d".repeat(64);
    expect(processesInArgv(["--listen-address=0.0.0.0:2379", "--metrics-bind-address=0.0.0.0:8080"], id, {})[0].kind).toBe("kine");
    expect(processesInArgv(["server", "--datastore-endpoint=http://kine-0:2379,http://kine-1:2379", "--tls-san=k3s-0"], id, {})[0].kind).toBe("k3s-server");
    expect(processesInArgv(["--help"], id, {})).toEqual([]);
    expect(substituteEnv("--cloud_location=k8s.$(REGION).${ZONE}", { REGION: "r1", ZONE: "z1" })).toBe("--cloud_location=k8s.r1.z1");
  });
});

describe("images", () => {
  it("splits repository and tag, registry ports included", () => {
    expect(imageRepository("registry:5000/rancher/kine:v0.16.4")).toBe("registry:5000/rancher/kine");
    expect(imageTag("registry:5000/rancher/kine")).toBeUndefined();
    expect(imageTag("yugabytedb/yugabyte:2025.2.1.0-b141@sha256:" + "a".repeat(64))).toBe("2025.2.1.0-b141");
  });
});

describe("user data", () => {
  it("decodes base64 and gzip+base64 launch template user data", () => {
    const text = ybUserData("aws.us-east-1.us-east-1a");
    expect(decodeUserData(Buffer.from(text).toString("base64"))).toBe(text);
    expect(decodeUserData(gzipSync(Buffer.from(text)).toString("base64"))).toBe(text);
    expect(decodeUserData(Buffer.from([0, 1, 2, 3, 250, 251]).toString("base64"))).toBeUndefined();
  });
  it("treats the SHA-1 that state keeps for instance user data as opaque", () => {
    expect(userDataOf(ec2("i", "0123456789abcdef0123456789abcdef01234567")).opaque).toBe(true);
    expect(userDataOf(ec2("i", "[secret]")).opaque).toBe(true);
  });
  it("counts launch template instances through the autoscaling group", () => {
    const lt = res("aws:ec2/launchTemplate:LaunchTemplate", "kine-lt", { name: "kine-lt", userData: Buffer.from(kineUserData).toString("base64") });
    const asg = res("aws:autoscaling/group:Group", "kine-asg", { desiredCapacity: 3, launchTemplate: { name: "kine-lt", version: "$Latest" } });
    expect(workloadOf(lt, [lt, asg])?.replicas).toBe(3);
    expect(workloadOf(lt, [lt])?.replicas).toBe(1);
  });
});

describe("pods", () => {
  it("reads sh -c scripts in pod templates with replicas and labels", () => {
    const w = workloadOf(ybStatefulSet("zone-a", { replicas: 2 }));
    expect(w?.replicas).toBe(2);
    expect(w?.processes.map((p) => p.kind)).toEqual(["yb-start"]);
    expect(w?.podLabels).toEqual({ app: "yb-k3s", component: "yugabytedb", zone: "zone-a" });
    expect(w?.namespace).toBe("yb");
  });
});
