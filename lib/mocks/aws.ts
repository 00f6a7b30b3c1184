/**
 * Mock outputs for the AWS provider (the aws target). Every resource type and every data-source call the aws builders
 * use is listed here; anything else makes the plan fail loudly.
 */
import { digest, registerCall, registerResource, type Inputs } from "./registry";

export const MOCK_ACCOUNT_ID = "123456789012";
/** Canonical's owner id for the official Ubuntu AMIs. */
export const MOCK_AMI_ID = "ami-0ubuntu2404mock0001";

const arn = (service: string, kind: string, name: string) => `arn:aws:${service}:us-east-1:${MOCK_ACCOUNT_ID}:${kind}/${name}`;
const plain = (type: string) => registerResource(type, (i) => ({ ...i }));

registerResource("pulumi:providers:aws", (i) => i);

// Network
registerResource("aws:ec2/vpc:Vpc", (i, name) => ({ ...i, arn: arn("ec2", "vpc", name), mainRouteTableId: `rtb-${digest(name, 8)}`, defaultSecurityGroupId: `sg-${digest(name, 8)}` }));
registerResource("aws:ec2/subnet:Subnet", (i, name) => ({ ...i, arn: arn("ec2", "subnet", name) }));
plain("aws:ec2/internetGateway:InternetGateway");
registerResource("aws:ec2/eip:Eip", (i, name) => ({ ...i, allocationId: `eipalloc-${digest(name, 8)}`, publicIp: "198.51.100.10" }));
plain("aws:ec2/natGateway:NatGateway");
plain("aws:ec2/routeTable:RouteTable");
plain("aws:ec2/route:Route");
plain("aws:ec2/routeTableAssociation:RouteTableAssociation");
registerResource("aws:ec2/securityGroup:SecurityGroup", (i, name) => ({ ...i, arn: arn("ec2", "security-group", name) }));
plain("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
plain("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
registerResource("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", (i) => ({ ...i, acceptStatus: "pending-acceptance" }));
registerResource("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", (i) => ({ ...i, acceptStatus: "active" }));

// Compute and storage
registerResource("aws:ec2/instance:Instance", (i, name) => ({ ...i, arn: arn("ec2", "instance", name), instanceState: "running" }));
registerResource("aws:ebs/volume:Volume", (i, name) => ({ ...i, arn: arn("ec2", "volume", name) }));
plain("aws:ec2/volumeAttachment:VolumeAttachment");

// Load balancing and DNS
registerResource("aws:lb/loadBalancer:LoadBalancer", (i: Inputs, name) => ({
  ...i,
  arn: arn("elasticloadbalancing", "loadbalancer/net", name),
  dnsName: `${String(i.name ?? name)}-${digest(name, 10)}.elb.us-east-1.amazonaws.com`,
  zoneId: "Z26RNL4JYFTOTI",
}));
registerResource("aws:lb/targetGroup:TargetGroup", (i, name) => ({ ...i, arn: arn("elasticloadbalancing", "targetgroup", name) }));
plain("aws:lb/targetGroupAttachment:TargetGroupAttachment");
registerResource("aws:lb/listener:Listener", (i, name) => ({ ...i, arn: arn("elasticloadbalancing", "listener/net", name) }));
registerResource("aws:route53/zone:Zone", (i, name) => ({ ...i, zoneId: `Z${digest(name, 12).toUpperCase()}`, nameServers: [] }));
registerResource("aws:route53/record:Record", (i) => ({ ...i, fqdn: String(i.name) }));

// Rollout gates (SSM associations the engine waits on)
registerResource("aws:ssm/association:Association", (i, name) => ({ ...i, associationId: `assoc-${digest(name, 12)}`, arn: `arn:aws:ssm:us-east-1:${MOCK_ACCOUNT_ID}:association/${name}` }));

// Identity and secrets
registerResource("aws:ssm/parameter:Parameter", (i: Inputs) => ({ ...i, arn: `arn:aws:ssm:us-east-1:${MOCK_ACCOUNT_ID}:parameter${String(i.name)}`, version: 1 }));
registerResource("aws:iam/role:Role", (i, name) => ({ ...i, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${name}`, name: i.name ?? name }));
plain("aws:iam/rolePolicy:RolePolicy");
// S3: bucketPrefix + a unique suffix, as the provider names a bucket.
registerResource("aws:s3/bucket:Bucket", (i, name) => {
  const bucket = `${String(i.bucketPrefix ?? name)}${digest(name, 12)}`;
  return { ...i, bucket, arn: `arn:aws:s3:::${bucket}`, region: "us-east-1" };
});
plain("aws:s3/bucketOwnershipControls:BucketOwnershipControls");
plain("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
plain("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
plain("aws:s3/bucketVersioning:BucketVersioning");
plain("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
plain("aws:s3/bucketPolicy:BucketPolicy");
plain("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
plain("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
registerResource("aws:iam/instanceProfile:InstanceProfile", (i, name) => ({ ...i, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:instance-profile/${name}`, name: i.name ?? name }));

// Data sources
registerCall("aws:ec2/getAmi:getAmi", (i) => ({ ...i, id: MOCK_AMI_ID, imageId: MOCK_AMI_ID, name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20261101", architecture: "x86_64" }));
// The AWS-managed S3 key of a region (its alias); the mock key id is derived from the provider's region-free name.
registerCall("aws:kms/getAlias:getAlias", (i) => ({ ...i, id: String(i.name), arn: `arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:${String(i.name)}`, targetKeyId: "mock-aws-s3-key", targetKeyArn: `arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/mock-aws-s3-key` }));
registerCall("aws:index/getCallerIdentity:getCallerIdentity", () => ({ accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/mock`, userId: "AIDAMOCK", id: MOCK_ACCOUNT_ID }));
