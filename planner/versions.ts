/**
 * Every pinned version and image in the project, in one place.
 *
 * - YugabyteDB: a stable (even-year) release; the Docker tag and the Linux tarball share the build number.
 * - Kine: the standalone etcd-on-SQL endpoint. The integration tests build this exact version from its Go module
 *   (`go install github.com/k3s-io/kine@<KINE_VERSION>`), so the image we run and the binary we test are one fact.
 *   v0.16.4's pgsql driver creates exactly the table and index names `kineSchemaStatements` pre-creates.
 * - k3s: k3s talks to our standalone Kine over the etcd API (`--datastore-endpoint=http(s)://kine:2379`), so its own
 *   embedded Kine never touches the schema; the release line still embeds Kine v0.16.x, whose schema matches ours.
 */
export const YUGABYTE_VERSION = "2025.2.8.0";
export const YUGABYTE_BUILD = "b60";
export const KINE_VERSION = "v0.16.4";
export const K3S_VERSION = "v1.36.3+k3s1";

/**
 * The user the `rancher/kine` image runs as (`USER nobody` in its Dockerfile): files Kine reads (passfile, TLS keys)
 * must be owned by it, since they are 0600.
 */
export const KINE_IMAGE_UID = 65534;

/** Docker image tags cannot contain "+": k3s publishes `v1.36.3-k3s1` for release `v1.36.3+k3s1`. */
export const k3sImageTag = (release: string): string => release.replace("+", "-");

export const images = {
  yugabyte: (version = YUGABYTE_VERSION, build = YUGABYTE_BUILD) => `yugabytedb/yugabyte:${version}-${build}`,
  kine: (version = KINE_VERSION) => `rancher/kine:${version}`,
  k3s: (release = K3S_VERSION) => `rancher/k3s:${k3sImageTag(release)}`,
} as const;

/** Release tarball for hosts that run YugabyteDB outside containers (EC2). */
export const yugabyteTarballUrl = (version = YUGABYTE_VERSION, build = YUGABYTE_BUILD, arch: "x86_64" | "aarch64" = "x86_64") =>
  `https://software.yugabyte.com/releases/${version}/yugabyte-${version}-${build}-linux-${arch}.tar.gz`;

/** Kine and k3s release binaries for EC2 hosts. */
export const kineBinaryUrl = (version = KINE_VERSION, arch: "amd64" | "arm64" = "amd64") =>
  `https://github.com/k3s-io/kine/releases/download/${version}/kine-${arch}`;
export const k3sInstallScriptUrl = "https://get.k3s.io";
/** The k3s binary of a release (the "+" of `v1.36.3+k3s1` is URL-encoded in GitHub's download path). */
export const k3sBinaryUrl = (release = K3S_VERSION, arch: "amd64" | "arm64" = "amd64") =>
  `https://github.com/k3s-io/k3s/releases/download/${encodeURIComponent(release)}/${arch === "amd64" ? "k3s" : "k3s-arm64"}`;

/** Accepted shapes when a stack overrides a version: never `latest`, never a moving tag. */
export const versionPatterns = {
  yugabyte: /^\d{4}\.\d+\.\d+\.\d+$|^2\.\d+\.\d+\.\d+$/,
  yugabyteBuild: /^b\d+$/,
  kine: /^v\d+\.\d+\.\d+$/,
  k3s: /^v\d+\.\d+\.\d+\+k3s\d+$/,
} as const;
