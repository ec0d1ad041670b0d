/**
 * Who delivers ALB access logs, and the bucket policy that lets it. ELB documents two cases
 * ("Enable access logs for your Application Load Balancer", bucket permissions):
 * - Regions available before August 2022: a regional Elastic Load Balancing account writes the logs,
 *   so the policy names that account's root as principal.
 * - Regions available in August 2022 or later: the logdelivery.elasticloadbalancing.amazonaws.com
 *   service principal writes them.
 */

/** The documented ELB account per region for the regions that predate August 2022. */
export const ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-south-1": "718504428378",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-south-1": "635631232127",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
  "cn-north-1": "638102146993",
  "cn-northwest-1": "037604701340",
};

export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The principal that writes ALB access logs in a region. */
export function elbLogWriter(partition: string, region: string): { AWS: string } | { Service: string } {
  const account = ELB_LOG_ACCOUNTS[region];
  return account ? { AWS: `arn:${partition}:iam::${account}:root` } : { Service: ELB_LOG_DELIVERY_SERVICE };
}

export interface AccessLogBucketPolicyArgs {
  partition: string;
  region: string;
  /** The account that owns the load balancer: ELB writes under AWSLogs/<account>/. */
  account: string;
  bucketArn: string;
  prefix: string;
}

/**
 * Only the ELB log writer may put objects, and only under this account's prefix; nobody may reach
 * the bucket without TLS (S3.5).
 */
export function accessLogBucketPolicy(args: AccessLogBucketPolicyArgs) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [args.bucketArn, `${args.bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "ElbAccessLogDelivery",
        Effect: "Allow",
        Principal: elbLogWriter(args.partition, args.region),
        Action: "s3:PutObject",
        Resource: `${args.bucketArn}/${args.prefix}/AWSLogs/${args.account}/*`,
      },
    ],
  };
}
