import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { accessLogBucketPolicy } from "./elbLogDelivery";

export interface AccessLogBucketArgs {
  /** Days before S3 expires a log object. */
  readonly retentionDays: number;
  /** The key prefix the load balancer writes under. */
  readonly prefix: string;
}

/**
 * A private S3 bucket for ALB access logs (ELB.5): SSE-S3 encryption (the only server-side
 * encryption ALB log delivery supports), every public access path blocked (S3.8), ACLs disabled
 * (S3.12), TLS only (S3.5), objects expired after the retention (S3.13). `forceDestroy` lets
 * `pulumi destroy` delete the bucket with the logs still in it.
 */
export class AccessLogBucket extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  /** Resolves once the bucket policy is in place: ELB checks it when access logs are turned on. */
  public readonly readyBucketName: pulumi.Output<string>;

  constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-rebalancer:infra:AccessLogBucket", name, {}, opts);

    const bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: true }, { parent: this });
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
      },
      { parent: this },
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      {
        bucket: bucket.id,
        rule: { objectOwnership: "BucketOwnerEnforced" },
      },
      { parent: this },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: {},
            expiration: { days: args.retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      { parent: this },
    );

    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucket.id,
        policy: pulumi
          .all([partition, region, account, bucket.arn])
          .apply(([p, r, a, bucketArn]) =>
            JSON.stringify(accessLogBucketPolicy({ partition: p, region: r, account: a, bucketArn, prefix: args.prefix })),
          ),
      },
      { parent: this, dependsOn: [publicAccess] },
    );

    this.bucketName = bucket.bucket;
    this.readyBucketName = pulumi.all([bucket.bucket, policy.id]).apply(([bucketName]) => bucketName);
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
