/**
 * Mock outputs for the providers every target uses: random, tls, and our own components. The tls mocks answer with
 * REAL keys, requests and certificates (lib/mocks/x509.ts), so tests can verify chains, usages and SANs.
 */
import { digest, mockSecret, registerResource } from "./registry";
import { certificateRequest, locallySignedCertificate, mockKey, selfSignedCertificate, type LocallySignedInputs, type SelfSignedInputs } from "./x509";

registerResource("random:index/randomPassword:RandomPassword", (i, name) => ({ ...i, result: mockSecret(name, Number(i.length ?? 16)) }));
registerResource("tls:index/privateKey:PrivateKey", (i, name) => ({
  ...i,
  ...mockKey(name, String(i.algorithm ?? "RSA"), { ecdsaCurve: i.ecdsaCurve as string | undefined, rsaBits: i.rsaBits as number | undefined }),
}));
registerResource("tls:index/selfSignedCert:SelfSignedCert", (i, name) => ({ ...i, certPem: selfSignedCertificate(i as unknown as SelfSignedInputs, name) }));
registerResource("tls:index/certRequest:CertRequest", (i) => ({
  ...i,
  certRequestPem: certificateRequest(i as unknown as SelfSignedInputs),
}));
registerResource("tls:index/locallySignedCert:LocallySignedCert", (i, name) => ({
  ...i,
  certPem: locallySignedCertificate(i as unknown as LocallySignedInputs, name),
  readyForRenewal: false,
}));
registerResource("pulumi:providers:random", (i) => i);
registerResource("pulumi:providers:tls", (i) => i);
export const mockId = (type: string, name: string) => `${name}-${digest(type + name, 8)}`;
