import { strict as assert } from "node:assert";
import { LoadBalancer, TLS_POLICY } from "../../infra/loadBalancer";
import { MockSession, settle, startMockSession, valueOf } from "./pulumiMocks";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const ALB = "aws:lb/loadBalancer:LoadBalancer";
const TG = "aws:lb/targetGroup:TargetGroup";
const LISTENER = "aws:lb/listener:Listener";
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

async function build(certificateArn?: string, deletionProtection = true): Promise<{ session: MockSession; lb: LoadBalancer }> {
  const session = await startMockSession();
  const lb = new LoadBalancer("demo", {
    vpcId: "vpc-0abc1234",
    vpcCidrBlock: "10.0.0.0/16",
    publicSubnetIds: ["subnet-pub0", "subnet-pub1"],
    healthCheckPath: "/healthz",
    deregistrationDelaySeconds: 30,
    certificateArn,
    deletionProtection,
    accessLogRetentionDays: 90,
  });
  await settle(session);
  return { session, lb };
}

function listenerOnPort(session: MockSession, port: number) {
  const found = session.ofType(LISTENER).filter((l) => l.inputs.port === port);
  assert.equal(found.length, 1, `expected one listener on port ${port}`);
  return found[0].inputs;
}

describe("infra/loadBalancer: LoadBalancer", () => {
  describe("HTTP only (no certificate)", () => {
    it("is an internet-facing application load balancer in the public subnets that drops invalid headers", async () => {
      const { session } = await build();
      const alb = session.one(ALB).inputs;
      assert.equal(alb.loadBalancerType, "application");
      assert.equal(alb.internal, false);
      assert.deepEqual(alb.subnets, ["subnet-pub0", "subnet-pub1"]);
      assert.equal(alb.dropInvalidHeaderFields, true);
      assert.deepEqual(alb.securityGroups, ["sg-demo-sg"]);
    });

    it("has its own security group: port 80 from anywhere (IPv4 and IPv6), no 443, egress only to the VPC CIDR", async () => {
      const { session } = await build();
      const sg = session.one(SG).inputs;
      assert.equal(sg.vpcId, "vpc-0abc1234");
      assert.deepEqual(
        sg.ingress.map((r: any) => [r.protocol, r.fromPort, r.toPort, r.cidrBlocks, r.ipv6CidrBlocks]),
        [["tcp", 80, 80, ["0.0.0.0/0"], ["::/0"]]],
      );
      assert.ok(sg.egress.length > 0);
      for (const rule of sg.egress) {
        assert.deepEqual(rule.cidrBlocks, ["10.0.0.0/16"]);
        assert.equal(rule.ipv6CidrBlocks, undefined);
        assert.notEqual(rule.protocol, "-1");
      }
      assert.deepEqual([sg.egress[0].fromPort, sg.egress[0].toPort], [32768, 65535]);
    });

    it("has one HTTP:80 listener that forwards to the target group", async () => {
      const { session, lb } = await build();
      assert.equal(session.ofType(LISTENER).length, 1);
      const http = listenerOnPort(session, 80);
      assert.equal(http.protocol, "HTTP");
      assert.deepEqual(
        http.defaultActions.map((a: any) => [a.type, a.targetGroupArn]),
        [["forward", await valueOf(lb.targetGroupArn)]],
      );
      assert.equal(http.loadBalancerArn, await valueOf(lb.albArn));
    });

    it("has an HTTP:80 instance target group with the configured health check and a 30 s deregistration delay", async () => {
      const { session } = await build();
      const tg = session.one(TG).inputs;
      assert.equal(tg.protocol, "HTTP");
      assert.equal(tg.port, 80);
      assert.equal(tg.targetType, "instance");
      assert.equal(tg.vpcId, "vpc-0abc1234");
      assert.equal(tg.deregistrationDelay, 30);
      assert.equal(tg.healthCheck.path, "/healthz");
      assert.equal(tg.healthCheck.matcher, "200-399");
      assert.equal(tg.healthCheck.interval, 10);
      assert.equal(tg.healthCheck.healthyThreshold, 2);
      assert.equal(tg.healthCheck.unhealthyThreshold, 3);
    });

    it("exposes an http:// URL on the ALB's DNS name and the ARNs of what it made", async () => {
      const { lb } = await build();
      assert.equal(await valueOf(lb.dnsName), "demo-alb-123456789.us-east-1.elb.amazonaws.com");
      assert.equal(await valueOf(lb.url), "http://demo-alb-123456789.us-east-1.elb.amazonaws.com");
      assert.match(await valueOf(lb.albArn), /^arn:aws:elasticloadbalancing:.*:loadbalancer\/app\//);
      assert.match(await valueOf(lb.targetGroupArn), /:targetgroup\//);
      assert.match(await valueOf(lb.listenerArn), /:listener\/app\/demo-http\//);
      assert.equal(await valueOf(lb.securityGroupId), "sg-demo-sg");
    });
  });

  describe("with a certificate", () => {
    it("opens 443 as well as 80 on the ALB security group", async () => {
      const { session } = await build(CERT);
      const ports = session.one(SG).inputs.ingress.map((r: any) => [r.fromPort, r.cidrBlocks, r.ipv6CidrBlocks]);
      assert.deepEqual(ports, [
        [80, ["0.0.0.0/0"], ["::/0"]],
        [443, ["0.0.0.0/0"], ["::/0"]],
      ]);
    });

    it("redirects HTTP to HTTPS with a 301", async () => {
      const { session } = await build(CERT);
      const http = listenerOnPort(session, 80);
      assert.equal(http.protocol, "HTTP");
      assert.equal(http.defaultActions.length, 1);
      assert.equal(http.defaultActions[0].type, "redirect");
      assert.deepEqual(
        {
          protocol: http.defaultActions[0].redirect.protocol,
          port: http.defaultActions[0].redirect.port,
          statusCode: http.defaultActions[0].redirect.statusCode,
        },
        { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
      );
    });

    it("forwards HTTPS:443 with the certificate and a TLS 1.3 policy, and exposes that listener and an https:// URL", async () => {
      const { session, lb } = await build(CERT);
      const https = listenerOnPort(session, 443);
      assert.equal(https.protocol, "HTTPS");
      assert.equal(https.certificateArn, CERT);
      assert.equal(https.sslPolicy, TLS_POLICY);
      assert.equal(TLS_POLICY, "ELBSecurityPolicy-TLS13-1-2-2021-06");
      assert.deepEqual(
        https.defaultActions.map((a: any) => a.type),
        ["forward"],
      );
      assert.match(await valueOf(lb.listenerArn), /listener\/app\/demo-https\//);
      assert.equal(await valueOf(lb.url), "https://demo-alb-123456789.us-east-1.elb.amazonaws.com");
    });
  });

  describe("Security Hub controls", () => {
    it("ELB.5: logs access to its own bucket under the alb/ prefix, once the bucket policy exists", async () => {
      const { session } = await build();
      const alb = session.one(ALB);
      assert.deepEqual({ ...alb.inputs.accessLogs }, { enabled: true, bucket: "demo-access-logs-bucket-1a2b3c4", prefix: "alb" });
      assert.equal(session.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules[0].expiration.days, 90);
    });

    for (const deletionProtection of [true, false]) {
      it(`ELB.6: deletion protection is ${deletionProtection ? "on" : "off"} as configured`, async () => {
        const { session } = await build(undefined, deletionProtection);
        assert.equal(session.one(ALB).inputs.enableDeletionProtection, deletionProtection);
      });
    }

    it("ELB.4 and ELB.12: drops invalid header fields and keeps the defensive desync mitigation mode", async () => {
      const { session } = await build();
      const alb = session.one(ALB).inputs;
      assert.equal(alb.dropInvalidHeaderFields, true);
      assert.equal(alb.desyncMitigationMode, "defensive");
    });
  });

  it("registers as ecs-rebalancer:infra:LoadBalancer, parents every child to itself and registers its outputs", async () => {
    const { session } = await build(CERT);
    const component = session.one("ecs-rebalancer:infra:LoadBalancer");
    const children = session.resources.filter((r) => r.parent === component.urn);
    const logBucket = session.one("ecs-rebalancer:infra:AccessLogBucket");
    assert.deepEqual(children.map((r) => r.type).sort(), [LISTENER, LISTENER, ALB, TG, SG, logBucket.type].sort());
    assert.equal(session.resources.length, children.length + 1 + session.resources.filter((r) => r.parent === logBucket.urn).length);
    for (const child of children) {
      assert.equal(child.parent, component.urn, `${child.type} ${child.name} is not parented to the component`);
    }
    assert.ok(session.outputsRegistered.has(component.urn));
  });
});
