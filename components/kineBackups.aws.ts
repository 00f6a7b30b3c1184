import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_FILES, type OffClusterBackupPlan } from "../planner/backup";
import { awsTags } from "./aws.common";
import type { KineBackupsArgs, KineBackupsBuild } from "./kineBackups";
import type { AwsPlatform } from "./platform";

/** Noncurrent versions (an overwritten latest.json, a backup put twice) go after this many days. */
export const NONCURRENT_VERSION_DAYS = 7;

/**
 * aws: the stack's backup bucket, in the primary region — private (public access blocked, owner-enforced objects, TLS
 * only), encrypted at rest (SSE-KMS with the AWS-managed key and bucket keys), versioned (a bad or partial put never
 * replaces a good backup for good), with a lifecycle rule that expires backups after the retention. Node 0 (its timer,
 * planner/awsUserData.ts) writes with the YugabyteDB instance role, which may only PUT objects under the prefix: it can
 * neither read, list nor delete a backup. The bucket is protected and kept on destroy where the stack keeps its data.
 */
export function buildKineBackupsAws(parent: pulumi.Resource, name: string, args: KineBackupsArgs, p: AwsPlatform, b: OffClusterBackupPlan): KineBackupsBuild {
  const { plan } = args;
  const d = b.destination;
  if (d.kind !== "s3") throw new Error(`KineBackups: aws writes to S3, the plan says ${d.kind}`);
  const network = p.regions[d.region];
  if (!network) throw new Error(`KineBackups: no network for the backup region ${d.region}`);
  const o = { parent, provider: network.provider };
  const bucket = new aws.s3.Bucket(
    `${name}-bucket`,
    { bucketPrefix: backupBucketPrefix(plan.prefix), forceDestroy: !plan.protectData, tags: awsTags(plan, "kine-backups") },
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
          filter: { prefix: d.keyPrefix },
          expiration: { days: b.retentionDays },
          noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_DAYS },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
        // Delete markers left once every version of an object has expired.
        { id: "remove-expired-delete-markers", status: "Enabled", filter: { prefix: d.keyPrefix }, expiration: { expiredObjectDeleteMarker: true } },
      ],
    },
    { ...o, dependsOn: [versioning] },
  );
  new aws.s3.BucketPolicy(
    `${name}-policy`,
    { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(bucketPolicyDocument(arn))) },
    { ...o, dependsOn: [publicAccess, ownership] },
  );
  new aws.iam.RolePolicy(
    `${name}-writer`,
    { role: p.instanceProfiles.yugabyte.role.apply((r) => r ?? ""), policy: bucket.arn.apply((arn) => JSON.stringify(writerPolicyDocument(arn, d.keyPrefix))) },
    { parent, provider: p.regions[p.primaryRegion].provider },
  );
  return {
    location: pulumi.interpolate`s3://${bucket.bucket}/${d.keyPrefix} (${d.region})`,
    bucketName: pulumi.all([bucket.bucket, encryption.id, versioning.id]).apply(([n]) => n),
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

/** For `verify` and `restore`: the object keys of a backup and of latest.json. */
export const s3Keys = (keyPrefix: string, name: string = BACKUP_FILES.latest): string => `${keyPrefix}${name}`;
