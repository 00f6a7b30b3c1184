/**
 * The long flags `k3s server` accepts, and the ones this control plane refuses in `k3s.extraArgs` although k3s knows
 * them. k3s exits with "flag provided but not defined" on an unknown flag, so the validator rejects those first.
 *
 * Where the list comes from:
 * - k3s-io/k3s `pkg/cli/cmds/server.go` (`ServerFlags`), `agent.go` (the agent flags a server shares) and `log.go`
 *   (config, debug, v, vmodule, log, alsologtostderr), including hidden and deprecated flags, as of the newest version
 *   of those files this repository could read offline (the release line with `--supervisor-metrics`);
 * - plus the server flags added since, as documented on docs.k3s.io/cli/server for the current release line
 *   (`--secrets-encryption-provider`, `--nonroot-devices`, `--etcd-s3-session-token`, `--etcd-s3-bucket-lookup-type`,
 *   `--etcd-s3-retention`, `--etcd-snapshot-reconcile-interval`, `--helm-controller-arg`) and the hidden listener
 *   flags (`--supervisor-port`, `--apiserver-port`, `--apiserver-bind-address`).
 *
 * Regenerate for the pinned release (K3S_VERSION in planner/versions.ts) from its image, then add the hidden flags of
 * `pkg/cli/cmds/server.go` at that tag (`Hidden: true`, which `--help` leaves out):
 *
 *   docker run --rm rancher/k3s:v1.36.3-k3s1 server --help | grep -oE '^ +--[a-z0-9-]+' | sed 's/^ *--//' | sort -u
 */

const names = (list: string): ReadonlySet<string> => new Set(list.split(/\s+/).filter(Boolean));

export const K3S_SERVER_FLAGS: ReadonlySet<string> = names(`
advertise-address
advertise-port
agent-token
agent-token-file
airgap-extra-registry
alsologtostderr
apiserver-bind-address
apiserver-port
bind-address
cluster-cidr
cluster-dns
cluster-domain
cluster-init
cluster-reset
cluster-reset-restore-path
config
container-runtime-endpoint
data-dir
datastore-cafile
datastore-certfile
datastore-endpoint
datastore-keyfile
debug
default-local-storage-path
default-runtime
disable
disable-agent
disable-apiserver
disable-cloud-controller
disable-controller-manager
disable-default-registry-endpoint
disable-etcd
disable-helm-controller
disable-kube-proxy
disable-network-policy
disable-scheduler
docker
egress-selector-mode
embedded-registry
enable-pprof
etcd-arg
etcd-disable-snapshots
etcd-expose-metrics
etcd-s3
etcd-s3-access-key
etcd-s3-bucket
etcd-s3-bucket-lookup-type
etcd-s3-config-secret
etcd-s3-endpoint
etcd-s3-endpoint-ca
etcd-s3-folder
etcd-s3-insecure
etcd-s3-proxy
etcd-s3-region
etcd-s3-retention
etcd-s3-secret-key
etcd-s3-session-token
etcd-s3-skip-ssl-verify
etcd-s3-timeout
etcd-snapshot-compress
etcd-snapshot-dir
etcd-snapshot-name
etcd-snapshot-reconcile-interval
etcd-snapshot-retention
etcd-snapshot-schedule-cron
flannel-backend
flannel-cni-conf
flannel-conf
flannel-external-ip
flannel-iface
flannel-ipv6-masq
helm-controller-arg
helm-job-image
help
https-listen-port
image-credential-provider-bin-dir
image-credential-provider-config
image-service-endpoint
kine-tls
kube-apiserver-arg
kube-cloud-controller-arg
kube-cloud-controller-manager-arg
kube-controller-arg
kube-controller-manager-arg
kube-proxy-arg
kube-scheduler-arg
kubelet-arg
lb-server-port
log
node-external-dns
node-external-ip
node-internal-dns
node-ip
node-label
node-name
node-taint
nonroot-devices
pause-image
prefer-bundled-bin
private-registry
protect-kernel-defaults
resolv-conf
rootless
secrets-encryption
secrets-encryption-provider
selinux
server
service-cidr
service-node-port-range
servicelb-namespace
snapshotter
supervisor-metrics
supervisor-port
system-default-registry
tls-san
tls-san-security
token
token-file
v
vmodule
vpn-auth
vpn-auth-file
with-node-id
write-kubeconfig
write-kubeconfig-group
write-kubeconfig-mode
`);

const EMBEDDED_ETCD = "only configures k3s's embedded etcd, which this control plane never runs (its datastore is Kine); remove it";
const SECRET_IN_ARGV = "puts a secret on the command line, where ps, the plan and the Pulumi state show it";

/**
 * k3s flags that are valid but wrong here, with what to do instead. `etcd-*` flags are all refused (see `refusedK3sFlag`).
 */
const REFUSED: Readonly<Record<string, string>> = {
  "cluster-init": "starts embedded etcd beside the external datastore (Kine); HA comes from several servers on one datastore. Remove it",
  "cluster-reset": EMBEDDED_ETCD,
  "cluster-reset-restore-path": EMBEDDED_ETCD,
  "kine-tls": "only configures the Kine embedded in k3s; this control plane runs Kine standalone (yb-k3s:tls.enabled secures it). Remove it",
  token: `${SECRET_IN_ARGV}; the program generates the cluster token and hands it to k3s as K3S_TOKEN or --token-file. Remove it`,
  "token-file": "is set by the program (it writes the generated cluster token there). Remove it",
  "agent-token": `${SECRET_IN_ARGV}; use --agent-token-file`,
  "vpn-auth": `${SECRET_IN_ARGV}; use --vpn-auth-file`,
  "datastore-endpoint": "is set by the program (the Kine endpoints of this stack). Remove it",
  "datastore-cafile": "is set by the program (yb-k3s:tls.enabled). Remove it",
  "datastore-certfile": "is set by the program (yb-k3s:tls.enabled). Remove it",
  "datastore-keyfile": "is set by the program (yb-k3s:tls.enabled). Remove it",
  "node-name": "is set by the program (k3s-<i>, the name its certificates and node identity use). Remove it",
};

/** Why a known k3s server flag is refused in `k3s.extraArgs`, or undefined when it is allowed. */
export function refusedK3sFlag(name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(REFUSED, name)) return REFUSED[name];
  if (name.startsWith("etcd-"))
    return name.startsWith("etcd-s3-") && /key|token/.test(name) ? `${SECRET_IN_ARGV}, and ${EMBEDDED_ETCD}` : EMBEDDED_ETCD;
  return undefined;
}
