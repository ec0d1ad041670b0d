import { strict as assert } from "node:assert";
import { AccessLogBucket } from "../../infra/accessLogBucket";
import { MockSession, settle, startMockSession, valueOf } from "./pulumiMocks";

async function build(region = "us-east-1"): Promise<{ session: MockSession; bucket: AccessLogBucket }> {
  const session = await startMockSession({}, { region });
  const bucket = new AccessLogBucket("logs", { retentionDays: 30, prefix: "alb" });
  await settle(session);
  return { session, bucket };
}

describe("infra/accessLogBucket: AccessLogBucket", () => {
  it("can be destroyed with log objects still in it (forceDestroy)", async () => {
    const { session } = await build();
    assert.equal(session.one("aws:s3/bucket:Bucket").inputs.forceDestroy, true);
  });

  it("encrypts with SSE-S3, the only default encryption ALB log delivery supports", async () => {
    const { session } = await build();
    const rules = session.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules;
    assert.deepEqual(
      rules.map((r: any) => r.applyServerSideEncryptionByDefault.sseAlgorithm),
      ["AES256"],
    );
  });

  it("S3.8: blocks every public access path", async () => {
    const { session } = await build();
    const block = session.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    assert.deepEqual(
      [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
      [true, true, true, true],
    );
  });

  it("S3.12: disables ACLs (bucket owner enforced)", async () => {
    const { session } = await build();
    assert.equal(session.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule.objectOwnership, "BucketOwnerEnforced");
  });

  it("S3.13: expires every object after the retention, and abandoned uploads after a day", async () => {
    const { session } = await build();
    const [rule] = session.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
    assert.equal(rule.status, "Enabled");
    assert.deepEqual(rule.filter, {});
    assert.equal(rule.expiration.days, 30);
    assert.equal(rule.abortIncompleteMultipartUpload.daysAfterInitiation, 1);
  });

  for (const [region, principal] of [
    ["us-east-1", { AWS: "arn:aws:iam::127311923021:root" }],
    ["eu-central-2", { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }],
  ] as const) {
    it(`in ${region}, the bucket policy lets ${JSON.stringify(principal)} write under alb/AWSLogs/<account>/`, async () => {
      const { session } = await build(region);
      const policy = JSON.parse(session.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
      const allow = policy.Statement.find((s: any) => s.Effect === "Allow");
      assert.deepEqual(allow.Principal, principal);
      assert.equal(allow.Resource, "arn:aws:s3:::logs-bucket-1a2b3c4/alb/AWSLogs/123456789012/*");
    });
  }

  it("names the bucket for the ALB only once the policy exists (ELB checks it when logging is turned on)", async () => {
    const { session, bucket } = await build();
    assert.equal(await valueOf(bucket.readyBucketName), "logs-bucket-1a2b3c4");
    assert.ok(
      session
        .one("aws:s3/bucketPolicy:BucketPolicy")
        .dependencies.includes(session.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").urn),
    );
  });
});
