/**
 * The test bed's certificates, made with the openssl CLI: a cluster CA (API server serving cert, client certs), a
 * front-proxy CA and the service-account key pair. Short-lived (2 days), ECDSA P-256, loopback SANs only.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface CertPair {
  readonly cert: string;
  readonly key: string;
}

export interface TestBedPki {
  readonly ca: CertPair;
  readonly frontProxyCa: CertPair;
  readonly apiserver: CertPair;
  readonly frontProxyClient: CertPair;
  readonly admin: CertPair;
  readonly controllerManager: CertPair;
  readonly scheduler: CertPair;
  readonly kwok: CertPair;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

const openssl = (dir: string, args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });

function ca(dir: string, name: string): CertPair {
  const pair = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-keyout", pair.key, "-out", pair.cert, "-subj", `/CN=${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  return pair;
}

function leaf(dir: string, issuer: CertPair, name: string, subject: string, ext: string[]): CertPair {
  const pair = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  const csr = path.join(dir, `${name}.csr`);
  const extFile = path.join(dir, `${name}.ext`);
  fs.writeFileSync(extFile, ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment", ...ext].join("\n") + "\n");
  openssl(dir, ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", pair.key, "-out", csr, "-subj", subject]);
  openssl(dir, ["x509", "-req", "-in", csr, "-CA", issuer.cert, "-CAkey", issuer.key, "-CAcreateserial", "-days", "2", "-out", pair.cert, "-extfile", extFile]);
  return pair;
}

const client = (dir: string, issuer: CertPair, name: string, subject: string) => leaf(dir, issuer, name, subject, ["extendedKeyUsage=clientAuth"]);

export function makePki(dir: string, serviceIp: string): TestBedPki {
  fs.mkdirSync(dir, { recursive: true });
  const clusterCa = ca(dir, "ca");
  const frontProxyCa = ca(dir, "front-proxy-ca");
  const serviceAccountKey = path.join(dir, "sa.key");
  const serviceAccountPub = path.join(dir, "sa.pub");
  openssl(dir, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", serviceAccountKey]);
  openssl(dir, ["ec", "-in", serviceAccountKey, "-pubout", "-out", serviceAccountPub]);
  const sans = ["127.0.0.1", serviceIp].map((ip) => `IP:${ip}`).concat(["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"].map((d) => `DNS:${d}`));
  return {
    ca: clusterCa,
    frontProxyCa,
    apiserver: leaf(dir, clusterCa, "apiserver", "/CN=kube-apiserver", ["extendedKeyUsage=serverAuth", `subjectAltName=${sans.join(",")}`]),
    frontProxyClient: client(dir, frontProxyCa, "front-proxy-client", "/CN=front-proxy-client"),
    admin: client(dir, clusterCa, "admin", "/O=system:masters/CN=e2e-admin"),
    controllerManager: client(dir, clusterCa, "controller-manager", "/CN=system:kube-controller-manager"),
    scheduler: client(dir, clusterCa, "scheduler", "/CN=system:kube-scheduler"),
    // kwok plays every node's kubelet and the volume provisioner: it patches nodes, pods, PVs and PVCs of any name.
    kwok: client(dir, clusterCa, "kwok", "/O=system:masters/CN=kwok"),
    serviceAccountKey,
    serviceAccountPub,
  };
}

/** A kubeconfig file with one cluster, one user (client certificate) and one context, all named `context`. */
export function writeKubeconfig(file: string, server: string, caCert: string, user: CertPair, context: string): void {
  const b64 = (p: string) => fs.readFileSync(p).toString("base64");
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server, "certificate-authority-data": b64(caCert) } }],
    users: [{ name: context, user: { "client-certificate-data": b64(user.cert), "client-key-data": b64(user.key) } }],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
  };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2), { mode: 0o600 });
}
