import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { OffClusterBackupPlan } from "../planner/backup";
import { awsTags } from "./aws.common";
import type { KineBackupsArgs, KineBackupsBuild } from "./kineBackups";
import type { AwsPlatform } from "./platform";
import type { ClusterPlan } from "../planner/plan";

/** Noncurrent versions (an overwritten latest.json, a backup put twice) go after this many days. */
export const NONCURRENT_VERSION_DAYS = 7;

/**
 * aws: the stack's backup bucket, in the primary region — private (public access blocked, owner-enforced objects, TLS
 * only), encrypted at rest (SSE-KMS with the AWS-managed key and bucket keys), versioned (a bad or partial put never
 * replaces a good backup for good), with a lifecycle rule that expires backups after the retention. Node 0 (its timer,
 * planner/awsUserData.ts) writes with the YugabyteDB instance role, which may only PUT objects under the prefix: it can
 * neither read, list nor delete a backup. The bucket is protected and kept on destroy where the stack keeps its data.
 * A stack that spans regions also replicates every backup into a bucket like it in its replica region.
 */
export function buildKineBackupsAws(parent: pulumi.Resource, name: string, args: KineBackupsArgs, p: AwsPlatform, b: OffClusterBackupPlan): KineBackupsBuild {
  const { plan } = args;
  const d = b.destination;
  if (d.kind !== "s3") throw new Error(`KineBackups: aws writes to S3, the plan says ${d.kind}`);
  const network = (region: string) => {
    const n = p.regions[region];
    if (!n) throw new Error(`KineBackups: no network for the backup region ${region}`);
    return n;
  };
  const source = backupBucket(parent, name, plan, network(d.region).provider, b, d.keyPrefix);
  new aws.iam.RolePolicy(
    `${name}-writer`,
    { role: p.instanceProfiles.yugabyte.role.apply((r) => r ?? ""), policy: source.bucket.arn.apply((arn) => JSON.stringify(writerPolicyDocument(arn, d.keyPrefix))) },
    { parent, provider: p.regions[p.primaryRegion].provider },
  );
  let replica: pulumi.Output<string> | undefined;
  if (d.replicaRegion) {
    const target = backupBucket(parent, `${name}-replica`, plan, network(d.replicaRegion).provider, b, d.keyPrefix, "replica");
    replica = replicate(parent, name, plan, p, { source, sourceRegion: d.region, target, targetRegion: d.replicaRegion, keyPrefix: d.keyPrefix });
  }
  return {
    location: pulumi.interpolate`s3://${source.bucket.bucket}/${d.keyPrefix} (${d.region})${replica ? pulumi.interpolate`, replicated to s3://${replica}/${d.keyPrefix} (${d.replicaRegion})` : ""}`,
    bucketName: source.ready,
    replicaBucketName: replica,
  };
}

interface ProtectedBucket {
  readonly bucket: aws.s3.Bucket;
  readonly versioning: aws.s3.BucketVersioning;
  /** The name, once encryption, versioning and the public access block are in place. */
  readonly ready: pulumi.Output<string>;
}

/**
 * One backup bucket: private (public access blocked, owner-enforced objects, TLS only), encrypted at rest (SSE-KMS
 * with the AWS-managed key and bucket keys), versioned, expiring backups after the retention. Protected and kept on
 * destroy where the stack keeps its data.
 */
function backupBucket(parent: pulumi.Resource, name: string, plan: ClusterPlan, provider: aws.Provider, b: OffClusterBackupPlan, keyPrefix: string, role?: "replica"): ProtectedBucket {
  const o = { parent, provider };
  const suffix = role ? `-${role}` : "";
  const bucket = new aws.s3.Bucket(
    `${name}-bucket`,
    { bucketPrefix: backupBucketPrefix(`${plan.prefix}${suffix}`), forceDestroy: !plan.protectData, tags: awsTags(plan, `kine-backups${suffix}`) },
    { ...o, protect: plan.protectData, retainOnDelete: plan.protectData },
  );
  const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, o);
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    o,
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-encryption`,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] },
    o,
  );
  const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, o);
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-kine-backups",
          status: "Enabled",
          filter: { prefix: keyPrefix },
          expiration: { days: b.retentionDays },
          noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_DAYS },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
        // Delete markers left once every version of an object has expired.
        { id: "remove-expired-delete-markers", status: "Enabled", filter: { prefix: keyPrefix }, expiration: { expiredObjectDeleteMarker: true } },
      ],
    },
    { ...o, dependsOn: [versioning] },
  );
  new aws.s3.BucketPolicy(`${name}-policy`, { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(bucketPolicyDocument(arn))) }, { ...o, dependsOn: [publicAccess, ownership] });
  return { bucket, versioning, ready: pulumi.all([bucket.bucket, encryption.id, versioning.id, publicAccess.id]).apply(([n]) => n) };
}

/**
 * Cross-region replication of every backup (and latest.json) under the prefix, by S3 with a role of its own that may
 * read the source's versions and write replicas into the target only; KMS-encrypted objects are decrypted with the
 * source region's AWS-managed S3 key and encrypted with the target region's. Deletes are not replicated: a lifecycle
 * expiry in one bucket never removes the other's copy early (each bucket has its own rule).
 */
function replicate(
  parent: pulumi.Resource,
  name: string,
  plan: ClusterPlan,
  p: AwsPlatform,
  r: { readonly source: ProtectedBucket; readonly sourceRegion: string; readonly target: ProtectedBucket; readonly targetRegion: string; readonly keyPrefix: string },
): pulumi.Output<string> {
  const global = { parent, provider: p.regions[p.primaryRegion].provider };
  const key = (region: string) => aws.kms.getAliasOutput({ name: "alias/aws/s3" }, { parent, provider: p.regions[region].provider }).targetKeyArn;
  const [sourceKey, targetKey] = [key(r.sourceRegion), key(r.targetRegion)];
  const role = new aws.iam.Role(
    `${name}-replication-role`,
    {
      description: `yb-k3s ${plan.stack}: S3 replication of Kine's backups to ${r.targetRegion}`,
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      tags: awsTags(plan, "kine-backups-replication"),
    },
    global,
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-replication`,
    {
      role: role.name,
      policy: pulumi
        .all([r.source.bucket.arn, r.target.bucket.arn, sourceKey, targetKey])
        .apply(([src, dst, sk, tk]) => JSON.stringify(replicationPolicyDocument({ sourceArn: src, targetArn: dst, keyPrefix: r.keyPrefix, sourceKeyArn: sk, targetKeyArn: tk, sourceRegion: r.sourceRegion, targetRegion: r.targetRegion }))),
    },
    global,
  );
  new aws.s3.BucketReplicationConfig(
    `${name}-replication`,
    {
      bucket: r.source.bucket.id,
      role: role.arn,
      rules: [
        {
          id: "replicate-kine-backups",
          status: "Enabled",
          priority: 1,
          filter: { prefix: r.keyPrefix },
          deleteMarkerReplication: { status: "Disabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: { bucket: r.target.bucket.arn, encryptionConfiguration: { replicaKmsKeyId: targetKey } },
        },
      ],
    },
    { parent, provider: p.regions[r.sourceRegion].provider, dependsOn: [r.source.versioning, r.target.versioning, policy] },
  );
  return r.target.ready;
}

/** The replication role: read the source's versions under the prefix, write replicas into the target, and the two KMS keys through S3 only. */
export function replicationPolicyDocument(a: {
  readonly sourceArn: string;
  readonly targetArn: string;
  readonly keyPrefix: string;
  readonly sourceKeyArn: string;
  readonly targetKeyArn: string;
  readonly sourceRegion: string;
  readonly targetRegion: string;
}) {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadReplicationConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: a.sourceArn },
      {
        Sid: "ReadSourceVersions",
        Effect: "Allow",
        Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
        Resource: `${a.sourceArn}/${a.keyPrefix}*`,
      },
      { Sid: "WriteReplicas", Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateTags"], Resource: `${a.targetArn}/${a.keyPrefix}*` },
      {
        Sid: "DecryptSourceThroughS3",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: a.sourceKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${a.sourceRegion}.amazonaws.com` }, StringLike: { "kms:EncryptionContext:aws:s3:arn": `${a.sourceArn}/${a.keyPrefix}*` } },
      },
      {
        Sid: "EncryptReplicasThroughS3",
        Effect: "Allow",
        Action: "kms:Encrypt",
        Resource: a.targetKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${a.targetRegion}.amazonaws.com` }, StringLike: { "kms:EncryptionContext:aws:s3:arn": `${a.targetArn}/${a.keyPrefix}*` } },
      },
    ],
  };
}

/**
 * The bucket's name prefix (the provider appends a unique suffix): S3 names are lowercase letters, digits and hyphens
 * (no dots: they break virtual-hosted TLS), start with a letter or digit, and a prefix may be at most 37 characters.
 * Stack names may hold capitals and underscores, so the stack's prefix is folded into that alphabet.
 */
export function backupBucketPrefix(stackPrefix: string): string {
  const base = `${stackPrefix}-kine-backups`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-+/, "");
  return `${(base || "kine-backups").slice(0, 36).replace(/-+$/, "")}-`;
}

/** TLS only: any request over plain HTTP is denied, whoever makes it. */
export function bucketPolicyDocument(bucketArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucketArn, `${bucketArn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ],
  };
}

/** The writer (node 0's role) may put backups and latest.json under the prefix, and nothing else. */
export function writerPolicyDocument(bucketArn: string, keyPrefix: string) {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "PutKineBackups", Effect: "Allow", Action: "s3:PutObject", Resource: `${bucketArn}/${keyPrefix}*` }],
  };
}
