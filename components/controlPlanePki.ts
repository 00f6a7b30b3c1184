/**
 * The control plane's PKI for encryption in transit (issue 8): one CA per stack (or a CA you bring), and every
 * certificate planned in planner/tls.ts, as @pulumi/tls resources. Target builders never create certificates; they ask
 * for a host's files (`filesFor(host)`) and deliver them: Docker uploads (keys 0600), Kubernetes Secrets, EC2 user data.
 *
 * Private keys only ever leave this component as Pulumi secrets. Leaf certificates live one year and are re-issued by
 * `pulumi up` during their last 30 days (earlyRenewalHours): see docs/tls.md for what that restarts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { CertificatePlan, PkiPlan, TlsFilePlan, TlsRole } from "../planner/tls";
import { hostFiles } from "../planner/tls";

export interface ControlPlanePkiArgs {
  readonly pki: PkiPlan;
  /**
   * Bring your own CA (an intermediate of your organisation's CA, say) instead of generating one per stack. The key
   * must be a Pulumi secret (e.g. `config.requireSecret(...)`); it is used to sign and never written to any host.
   */
  readonly ca?: { readonly certPem: pulumi.Input<string>; readonly keyPem: pulumi.Input<string> };
}

/** One file for one host: what AWS user data, Docker uploads and Kubernetes Secrets are built from. */
export interface TlsFile {
  /** Absolute path on the host / in the container. */
  readonly path: string;
  /** A secret Output for private keys; certificates are public. */
  readonly content: pulumi.Output<string>;
  readonly mode: "0600" | "0644";
  readonly secret: boolean;
  /** The file's base name, also a valid Kubernetes Secret key (`node.<address>.crt`, `server.key`, ...). */
  readonly name: string;
}

/** A leaf key pair and certificate. */
interface Issued {
  readonly key: tls.PrivateKey;
  readonly cert: tls.LocallySignedCert;
}

export class ControlPlanePki extends pulumi.ComponentResource {
  readonly caCertPem: pulumi.Output<string>;
  readonly plan: PkiPlan;
  private readonly issued = new Map<string, Issued>();

  constructor(name: string, args: ControlPlanePkiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("yb-k3s:tls:Pki", name, {}, opts);
    const parent = { parent: this };
    const { pki } = args;
    this.plan = pki;
    const life = pki.lifetimes;

    let caKeyPem: pulumi.Output<string>;
    if (args.ca) {
      this.caCertPem = pulumi.output(args.ca.certPem);
      caKeyPem = pulumi.secret(args.ca.keyPem);
    } else {
      const caKey = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, parent);
      const caCert = new tls.SelfSignedCert(
        `${name}-ca-cert`,
        {
          privateKeyPem: caKey.privateKeyPem,
          isCaCertificate: true,
          validityPeriodHours: life.caValidityHours,
          allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
          subject: { commonName: pki.caCommonName, organization: "yb-k3s" },
        },
        parent,
      );
      this.caCertPem = caCert.certPem;
      caKeyPem = pulumi.secret(caKey.privateKeyPem);
    }

    for (const c of pki.certificates) this.issued.set(c.id, this.issue(name, c, caKeyPem, parent));
    this.registerOutputs({ caCertPem: this.caCertPem });
  }

  private issue(name: string, c: CertificatePlan, caKeyPem: pulumi.Output<string>, parent: pulumi.CustomResourceOptions): Issued {
    // RSA 2048 for leaves: every client in the path (YugabyteDB's OpenSSL, libpq, Go's crypto/tls) accepts it.
    const key = new tls.PrivateKey(`${name}-${c.id}-key`, { algorithm: "RSA", rsaBits: 2048 }, parent);
    const csr = new tls.CertRequest(
      `${name}-${c.id}-csr`,
      {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: c.commonName, ...(c.organization ? { organization: c.organization } : {}) },
        dnsNames: [...c.dnsNames],
        ipAddresses: [...c.ipAddresses],
      },
      parent,
    );
    const cert = new tls.LocallySignedCert(
      `${name}-${c.id}-cert`,
      {
        certRequestPem: csr.certRequestPem,
        caPrivateKeyPem: caKeyPem,
        caCertPem: this.caCertPem,
        validityPeriodHours: this.plan.lifetimes.leafValidityHours,
        earlyRenewalHours: this.plan.lifetimes.leafEarlyRenewalHours,
        allowedUses: ["digital_signature", "key_encipherment", ...c.uses],
      },
      parent,
    );
    return { key, cert };
  }

  /** The certificate PEM of a planned certificate (tests, outputs). */
  certPem(id: string): pulumi.Output<string> {
    return this.get(id).cert.certPem;
  }

  private get(id: string): Issued {
    const i = this.issued.get(id);
    if (!i) throw new Error(`ControlPlanePki: no certificate '${id}' in the plan`);
    return i;
  }

  private content(f: TlsFilePlan): pulumi.Output<string> {
    switch (f.source.kind) {
      case "ca":
        return this.caCertPem;
      case "cert":
        return this.get(f.source.cert).cert.certPem;
      case "key":
        return pulumi.secret(this.get(f.source.cert).key.privateKeyPem);
    }
  }

  /** Every TLS file one host needs (`yb-zone-a-0`, `kine-0`, `k3s-0`, `bootstrap`), with path, mode and content. */
  filesFor(host: string): TlsFile[] {
    const h = hostFiles(this.plan, host);
    return h.files.map((f) => ({
      path: f.path,
      content: this.content(f),
      mode: f.mode,
      secret: f.source.kind === "key",
      name: f.path.slice(h.dir.length + 1),
    }));
  }

  /** The directory a host's files live in. */
  dirFor(host: string): string {
    return hostFiles(this.plan, host).dir;
  }

  /** Hosts of one role, in plan order. */
  hostsOf(role: TlsRole): string[] {
    return this.plan.hosts.filter((h) => h.role === role).map((h) => h.host);
  }
}

/** Docker `uploads` entries for a host's TLS files (keys 0600, certificates 0644). */
/** Docker uploads for a host's TLS files; `owner` (a uid) when the image does not run as root. */
export const tlsUploads = (files: readonly TlsFile[], owner?: number): { file: string; content: pulumi.Output<string>; permissions: string; owner?: string }[] =>
  files.map((f) => ({ file: f.path, content: f.content, permissions: f.mode, ...(owner !== undefined ? { owner: String(owner) } : {}) }));

/** The PKI a builder needs when the plan has TLS on; a clear error when a library user forgot to pass it. */
export function requireTls(role: string, plan: { readonly tls: boolean }, pki: ControlPlanePki | undefined): ControlPlanePki | undefined {
  if (plan.tls && !pki) throw new Error(`${role}: the plan has TLS on (tls.enabled) but no ControlPlanePki was passed as args.tls`);
  return plan.tls ? pki : undefined;
}

/** Kubernetes Secret `stringData` for a host's TLS files: key = file name. */
export const tlsSecretData = (files: readonly TlsFile[]): Record<string, pulumi.Output<string>> => Object.fromEntries(files.map((f) => [f.name, f.content]));

/**
 * A Secret volume projecting each file with its own mode (keys 0600 — or 0440 with `groupReadable` for pods that run
 * as a non-root user with fsGroup — certificates 0644).
 */
export function tlsSecretVolume(volumeName: string, secretName: string, files: readonly TlsFile[], groupReadable = false) {
  const mode = (f: TlsFile) => (f.secret ? (groupReadable ? 0o440 : 0o600) : 0o644);
  return { name: volumeName, secret: { secretName, defaultMode: groupReadable ? 0o440 : 0o600, items: files.map((f) => ({ key: f.name, path: f.name, mode: mode(f) })) } };
}
