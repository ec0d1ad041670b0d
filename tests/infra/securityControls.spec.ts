import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULTS } from "../../infra/config";
import { MockSession, settle, startMockSession } from "./pulumiMocks";

/**
 * README "Security controls": every row of the table is checked here against the whole stack
 * (index.ts under Pulumi's mocks, default config), and every check has its row. A row's config
 * keys must be real keys, listed in README's configuration table.
 */
const README = readFileSync(join(__dirname, "../../README.md"), "utf8");
const INDEX = require.resolve("../../index");

async function runProgram(config: Record<string, string> = {}): Promise<MockSession> {
  const session = await startMockSession(config);
  delete require.cache[INDEX];
  require(INDEX);
  for (let i = 0; i < 400 && session.ofType("aws:lambda/permission:Permission").length < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await settle(session);
  return session;
}

interface Row {
  control: string;
  keys: string[];
}

function controlRows(): Row[] {
  const section = README.split(/^## Security controls$/m)[1]?.split(/^## /m)[0];
  assert.ok(section, 'README has no "## Security controls" section');
  return section
    .split("\n")
    .filter((line) => /^\| \*\*/.test(line))
    .map((line) => {
      const cells = line.split("|").map((c) => c.trim());
      return { control: /\*\*(.+?)\*\*/.exec(cells[1])![1], keys: [...cells[3].matchAll(/`(\w+)`/g)].map((m) => m[1]) };
    });
}

const container = (s: MockSession) => JSON.parse(s.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)[0];
const securityGroup = (s: MockSession, name: string) =>
  s.ofType("aws:ec2/securityGroup:SecurityGroup").find((r) => r.name === name)!.inputs;
const policyOf = (s: MockSession, type: string) => JSON.parse(s.one(type).inputs.policy);

/** The keys that decide a control, set away from their defaults: one more run of the stack. */
const ALTERNATE = {
  containerUser: "1000:1000",
  flowLogTrafficType: "REJECT",
  detailedMonitoring: "false",
  deletionProtection: "false",
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
};

/** Each control's check on the default stack (`s`) and, where a key decides, on the alternate one (`alt`). */
const CHECKS: Record<string, (s: MockSession, alt: MockSession) => void> = {
  "ECS.1": (s) => {
    assert.equal(s.one("aws:ecs/taskDefinition:TaskDefinition").inputs.networkMode, "bridge");
    assert.equal(container(s).user, "101");
  },
  "ECS.3": (s) => assert.equal(s.one("aws:ecs/taskDefinition:TaskDefinition").inputs.pidMode, undefined),
  "ECS.4": (s) => assert.equal(container(s).privileged, false),
  "ECS.5": (s) => assert.equal(container(s).readonlyRootFilesystem, true),
  "ECS.8": (s) => assert.equal(container(s).environment, undefined),
  "ECS.9": (s) => assert.equal(container(s).logConfiguration.logDriver, "awslogs"),
  "ECS.12": (s) => assert.deepEqual(s.one("aws:ecs/cluster:Cluster").inputs.settings, [{ name: "containerInsights", value: "enabled" }]),
  "ECS.20": (s, alt) => {
    assert.match(container(s).user, /^[1-9]\d*(:\d+)?$/);
    assert.equal(container(alt).user, "1000:1000");
  },
  "Image pinned by digest": (s) => assert.match(container(s).image, /@sha256:[a-f0-9]{64}$/),
  "EC2.2": (s) => {
    const sg = s.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs;
    assert.deepEqual([sg.ingress, sg.egress], [[], []]);
  },
  "EC2.3": (s) => assert.equal(s.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.blockDeviceMappings[0].ebs.encrypted, "true"),
  "EC2.6": (s, alt) => {
    assert.equal(s.one("aws:ec2/flowLog:FlowLog").inputs.trafficType, "ALL");
    assert.equal(alt.one("aws:ec2/flowLog:FlowLog").inputs.trafficType, "REJECT");
  },
  "EC2.8": (s) => assert.equal(s.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.metadataOptions.httpTokens, "required"),
  "EC2.9": (s) =>
    assert.equal(s.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.networkInterfaces[0].associatePublicIpAddress, "false"),
  "EC2.18": (s) => {
    const open = securityGroup(s, "demo-sg").ingress.filter((r: any) => (r.cidrBlocks ?? []).includes("0.0.0.0/0"));
    assert.deepEqual(
      open.map((r: any) => [r.fromPort, r.toPort]),
      [[80, 80]],
    );
    assert.ok(securityGroup(s, "demo-instances-sg").ingress.every((r: any) => r.cidrBlocks === undefined && r.securityGroups.length === 1));
  },
  "EC2.53, EC2.54": (s) => {
    for (const sg of s.ofType("aws:ec2/securityGroup:SecurityGroup")) {
      for (const rule of sg.inputs.ingress ?? [])
        assert.ok(rule.fromPort > 3389 || rule.toPort < 22 || (rule.fromPort > 22 && rule.toPort < 3389), `${sg.name} opens an admin port`);
    }
  },
  "EC2.25": (s) =>
    assert.equal(s.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.networkInterfaces[0].associatePublicIpAddress, "false"),
  "Instance egress": (s) =>
    assert.deepEqual(
      securityGroup(s, "demo-instances-sg").egress.map((r: any) => [r.protocol, r.fromPort, r.toPort]),
      [["tcp", 443, 443]],
    ),
  "Detailed monitoring": (s, alt) => {
    assert.equal(s.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.monitoring.enabled, true);
    assert.equal(alt.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.monitoring.enabled, false);
  },
  "AutoScaling.2": (s) => assert.ok(s.one("awsx:ec2:Vpc").inputs.numberOfAvailabilityZones >= 2),
  "AutoScaling.9": (s) => assert.ok(s.one("aws:autoscaling/group:Group").inputs.launchTemplate.id),
  "ELB.1": (s, alt) => {
    assert.equal(s.ofType("aws:lb/listener:Listener").length, 1, "HTTP only without a certificate");
    const http = alt.ofType("aws:lb/listener:Listener").find((l) => l.inputs.port === 80)!;
    assert.equal(http.inputs.defaultActions[0].redirect.protocol, "HTTPS");
  },
  "ELB.4": (s) => assert.equal(s.one("aws:lb/loadBalancer:LoadBalancer").inputs.dropInvalidHeaderFields, true),
  "ELB.5": (s) => {
    assert.equal(s.one("aws:lb/loadBalancer:LoadBalancer").inputs.accessLogs.enabled, true);
    assert.equal(s.one("aws:s3/bucket:Bucket").inputs.forceDestroy, true);
    assert.equal(
      s.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules[0]
        .applyServerSideEncryptionByDefault.sseAlgorithm,
      "AES256",
    );
  },
  "ELB.6": (s, alt) => {
    assert.equal(s.one("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, true);
    assert.equal(alt.one("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, false);
  },
  "ELB.12": (s) => assert.equal(s.one("aws:lb/loadBalancer:LoadBalancer").inputs.desyncMitigationMode, "defensive"),
  "ELB.13": (s) => assert.equal(s.one("aws:lb/loadBalancer:LoadBalancer").inputs.subnets.length, 2),
  "S3.5": (s) => assert.equal(policyOf(s, "aws:s3/bucketPolicy:BucketPolicy").Statement[0].Condition.Bool["aws:SecureTransport"], "false"),
  "S3.8": (s) => {
    const b = s.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    assert.deepEqual([b.blockPublicAcls, b.blockPublicPolicy, b.ignorePublicAcls, b.restrictPublicBuckets], [true, true, true, true]);
  },
  "S3.12": (s) =>
    assert.equal(s.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule.objectOwnership, "BucketOwnerEnforced"),
  "S3.13": (s) =>
    assert.equal(
      s.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules[0].expiration.days,
      DEFAULTS.accessLogRetentionDays,
    ),
  "Lambda.1": (s) => {
    for (const p of s.ofType("aws:lambda/permission:Permission")) {
      assert.equal(p.inputs.principal, "events.amazonaws.com");
      assert.ok(p.inputs.sourceArn, "every invoke permission names its rule");
    }
  },
  "Lambda.2": (s) => assert.equal(s.one("aws:lambda/function:Function").inputs.runtime, "nodejs22.x"),
  "SQS.1": (s) => assert.equal(s.one("aws:sqs/queue:Queue").inputs.sqsManagedSseEnabled, true),
  "SQS.3": (s) => assert.equal(s.ofType("aws:sqs/queuePolicy:QueuePolicy").length, 0),
  "CloudWatch.16": (s) => {
    for (const group of s.ofType("aws:cloudwatch/logGroup:LogGroup"))
      assert.ok(group.inputs.retentionInDays > 0, `${group.name} keeps logs forever`);
    assert.equal(s.ofType("aws:cloudwatch/logGroup:LogGroup").length, 3);
  },
};

describe("README security controls: each row holds on the stack", function () {
  this.timeout(120000);
  let stack: MockSession;
  let alternate: MockSession;
  before(async () => {
    stack = await runProgram();
    alternate = await runProgram(ALTERNATE);
  });

  it("the table has a check for every row and a row for every check", () => {
    assert.deepEqual(
      controlRows()
        .map((r) => r.control)
        .sort(),
      Object.keys(CHECKS).sort(),
    );
  });

  it("every config key a row names is a real key, in README's configuration table", () => {
    for (const { control, keys } of controlRows()) {
      for (const key of keys) {
        assert.ok(key in DEFAULTS, `${control}: ${key} is not a config key`);
        assert.match(README, new RegExp(`^\\| \`${key}\` \\|`, "m"), `${control}: ${key} is not in the configuration table`);
      }
    }
  });

  for (const control of Object.keys(CHECKS)) {
    it(`${control} holds`, () => CHECKS[control](stack, alternate));
  }
});
