import { strict as assert } from "node:assert";
import { accessLogBucketPolicy, ELB_LOG_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE, elbLogWriter } from "../../infra/elbLogDelivery";

describe("infra/elbLogDelivery: who writes ALB access logs", () => {
  const cases: Array<[string, string, string, object]> = [
    [
      "a region from before August 2022 (us-east-1) → its regional ELB account",
      "aws",
      "us-east-1",
      { AWS: "arn:aws:iam::127311923021:root" },
    ],
    ["eu-west-1 → 156460612806", "aws", "eu-west-1", { AWS: "arn:aws:iam::156460612806:root" }],
    ["GovCloud keeps its partition in the principal ARN", "aws-us-gov", "us-gov-west-1", { AWS: "arn:aws-us-gov:iam::048591011584:root" }],
    [
      "a region from August 2022 or later (eu-central-2) → the log delivery service principal",
      "aws",
      "eu-central-2",
      { Service: ELB_LOG_DELIVERY_SERVICE },
    ],
    [
      "ap-southeast-3 (not in the documented account list) → the service principal",
      "aws",
      "ap-southeast-3",
      { Service: ELB_LOG_DELIVERY_SERVICE },
    ],
  ];
  for (const [rule, partition, region, expected] of cases) {
    it(rule, () => assert.deepEqual(elbLogWriter(partition, region), expected));
  }

  it("lists each documented account once, as 12 digits", () => {
    const accounts = Object.values(ELB_LOG_ACCOUNTS);
    assert.equal(new Set(accounts).size, accounts.length);
    assert.ok(accounts.every((a) => /^\d{12}$/.test(a)));
    assert.equal(accounts.length, 25);
  });

  describe("the bucket policy", () => {
    const policy = (region: string) =>
      accessLogBucketPolicy({ partition: "aws", region, account: "123456789012", bucketArn: "arn:aws:s3:::logs", prefix: "alb" });

    it("lets the writer put objects only under <prefix>/AWSLogs/<account>/, and nothing else", () => {
      const allow = policy("us-east-1").Statement.filter((s) => s.Effect === "Allow");
      assert.deepEqual(allow, [
        {
          Sid: "ElbAccessLogDelivery",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::127311923021:root" },
          Action: "s3:PutObject",
          Resource: "arn:aws:s3:::logs/alb/AWSLogs/123456789012/*",
        },
      ]);
    });

    it("in a newer region names the service principal instead", () => {
      const allow = policy("mx-central-1").Statement.find((s) => s.Effect === "Allow")!;
      assert.deepEqual(allow.Principal, { Service: ELB_LOG_DELIVERY_SERVICE });
    });

    it("S3.5: denies every request to the bucket and its objects made without TLS", () => {
      const deny = policy("us-east-1").Statement.find((s) => s.Effect === "Deny")!;
      assert.deepEqual(deny.Resource, ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]);
      assert.equal(deny.Principal, "*");
      assert.equal(deny.Action, "s3:*");
      assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
    });
  });
});
