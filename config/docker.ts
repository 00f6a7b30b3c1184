import { z } from "zod";
import { loopbackAddress, port } from "./common";

/** `yb-k3s:docker` — the local target. Host ports follow the seed walkthrough, published on loopback only. */
export const DockerConfig = z.strictObject({
  /** Host address every published port binds to. Loopback only. */
  bindAddress: loopbackAddress.default("127.0.0.1"),
  /** First host port of each kind; node i publishes base + i. */
  hostPorts: z
    .strictObject({
      ysql: port.default(5433),
      yugabytedUi: port.default(15433),
      masterUi: port.default(7001),
      tserverUi: port.default(9000),
      k3sApi: port.default(6443),
    })
    .prefault({}),
  /** Publish YSQL and the web UIs on the host (loopback) for psql and the browser; false keeps them on the network only. */
  publishDatabasePorts: z.boolean().default(true),
  /** Docker host to talk to; the provider's default (DOCKER_HOST or the local socket) when unset. */
  host: z
    .string()
    .regex(/^(unix|tcp|ssh|npipe|fd):\/\/./, "must be a Docker host URL such as unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host; remove the key for DOCKER_HOST or the local socket")
    .optional(),
});
export type DockerConfig = z.infer<typeof DockerConfig>;
