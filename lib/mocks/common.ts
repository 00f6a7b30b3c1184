/** Mock outputs for the providers every target uses: random, tls, and our own components. */
import { digest, fakePem, mockSecret, registerResource } from "./registry";

registerResource("random:index/randomPassword:RandomPassword", (i, name) => ({ ...i, result: mockSecret(name, Number(i.length ?? 16)) }));
registerResource("tls:index/privateKey:PrivateKey", (i, name) => ({
  ...i,
  privateKeyPem: fakePem("PRIVATE KEY", name),
  privateKeyPemPkcs8: fakePem("PRIVATE KEY", name),
  publicKeyPem: fakePem("PUBLIC KEY", name),
}));
registerResource("tls:index/selfSignedCert:SelfSignedCert", (i, name) => ({ ...i, certPem: fakePem("CERTIFICATE", name) }));
registerResource("tls:index/certRequest:CertRequest", (i, name) => ({ ...i, certRequestPem: fakePem("CERTIFICATE REQUEST", name) }));
registerResource("tls:index/locallySignedCert:LocallySignedCert", (i, name) => ({ ...i, certPem: fakePem("CERTIFICATE", name), readyForRenewal: false }));
registerResource("pulumi:providers:random", (i) => i);
registerResource("pulumi:providers:tls", (i) => i);
export const mockId = (type: string, name: string) => `${name}-${digest(type + name, 8)}`;
