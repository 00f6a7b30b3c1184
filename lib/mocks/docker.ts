/** Mock outputs for the Docker provider (the local target). */
import { digest, registerResource } from "./registry";

registerResource("pulumi:providers:docker", (i) => i);
registerResource("docker:index/network:Network", (i) => ({ ...i }));
registerResource("docker:index/volume:Volume", (i) => ({ ...i, mountpoint: `/var/lib/docker/volumes/${String(i.name)}/_data` }));
registerResource("docker:index/remoteImage:RemoteImage", (i) => ({
  ...i,
  imageId: `sha256:${digest(String(i.name), 64)}`,
  repoDigest: `${String(i.name).split(":")[0]}@sha256:${digest(String(i.name), 64)}`,
}));
// An attached one-shot container reports its exit code; a healthy run exits 0.
registerResource("docker:index/container:Container", (i) => ({ ...i, ...(i.attach ? { exitCode: 0 } : {}) }));
