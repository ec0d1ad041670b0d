import * as pulumi from "@pulumi/pulumi";

/**
 * Pulumi engine mocks for the infra specs: every registered resource is recorded with its type, name,
 * inputs, parent URN and resource options, and answered with realistic ids and ARNs.
 */

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const AMI_ID = "ami-0123456789abcdef0";
export const PROJECT = "ecs-task-rebalancer";
export const STACK = "test";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly urn: string;
  /** The parent's URN as sent to the engine ("" for the stack itself). */
  readonly parent: string;
  readonly ignoreChanges: readonly string[];
  readonly dependencies: readonly string[];
}

export interface RecordedCall {
  readonly token: string;
  readonly inputs: Record<string, any>;
}

export interface MockSession {
  readonly resources: RecordedResource[];
  readonly calls: RecordedCall[];
  /** All resources of a type, in registration order. */
  ofType(type: string): RecordedResource[];
  /** The single resource of a type; throws if there are none or several. */
  one(type: string): RecordedResource;
  /** The URN of the single resource of a type. */
  urnOf(type: string): string;
  /** URNs of the components that called registerOutputs. */
  readonly outputsRegistered: Set<string>;
  /** Registrations sent to the monitor and not yet answered. */
  pending(): number;
}

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

/** The outputs a real provider would add to a resource's inputs. */
function stateFor(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
  const physical = inputs.name ?? `${name}-1a2b3c4`;
  switch (type) {
    case "awsx:ec2:Vpc": {
      // awsx components are remote: under mocks they register as one resource with no children.
      const zones = inputs.numberOfAvailabilityZones ?? 3;
      const ids = (kind: string) => Array.from({ length: zones }, (_, i) => `subnet-${kind}${i}`);
      return {
        id: "",
        state: {
          vpcId: "vpc-0abc1234",
          publicSubnetIds: ids("pub"),
          privateSubnetIds: ids("priv"),
          isolatedSubnetIds: [],
          subnets: [],
          natGateways: [],
        },
      };
    }
    case "aws:ec2/securityGroup:SecurityGroup":
      return { id: `sg-${name}`, state: { arn: arn("ec2", `security-group/sg-${name}`) } };
    case "aws:lb/loadBalancer:LoadBalancer":
      return {
        id: arn("elasticloadbalancing", `loadbalancer/app/${name}/50dc6c495c0c9188`),
        state: {
          arn: arn("elasticloadbalancing", `loadbalancer/app/${name}/50dc6c495c0c9188`),
          dnsName: `${name}-123456789.${REGION}.elb.amazonaws.com`,
          zoneId: "Z35SXDOTRQ7X7K",
        },
      };
    case "aws:lb/targetGroup:TargetGroup":
      return {
        id: arn("elasticloadbalancing", `targetgroup/${name}/73e2d6bc24d8a067`),
        state: {
          arn: arn("elasticloadbalancing", `targetgroup/${name}/73e2d6bc24d8a067`),
        },
      };
    case "aws:lb/listener:Listener":
      return {
        id: arn("elasticloadbalancing", `listener/app/${name}/50dc6c495c0c9188/f2f7dc8efc522ab2`),
        state: {
          arn: arn("elasticloadbalancing", `listener/app/${name}/50dc6c495c0c9188/f2f7dc8efc522ab2`),
        },
      };
    case "aws:ecs/cluster:Cluster":
      return { id: arn("ecs", `cluster/${physical}`), state: { name: physical, arn: arn("ecs", `cluster/${physical}`) } };
    case "aws:ecs/capacityProvider:CapacityProvider":
      return {
        id: arn("ecs", `capacity-provider/${physical}`),
        state: { name: physical, arn: arn("ecs", `capacity-provider/${physical}`) },
      };
    case "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders":
      return { id: inputs.clusterName, state: {} };
    case "aws:ecs/taskDefinition:TaskDefinition":
      return { id: inputs.family, state: { arn: arn("ecs", `task-definition/${inputs.family}:1`), revision: 1 } };
    case "aws:ecs/service:Service":
      return { id: arn("ecs", `service/rebalance-demo/${physical}`), state: { name: physical } };
    case "aws:iam/role:Role":
      return { id: physical, state: { name: physical, arn: `arn:aws:iam::${ACCOUNT}:role/${physical}` } };
    case "aws:iam/instanceProfile:InstanceProfile":
      return { id: physical, state: { name: physical, arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${physical}` } };
    case "aws:ec2/launchTemplate:LaunchTemplate":
      return { id: "lt-0123456789abcdef0", state: { arn: arn("ec2", "launch-template/lt-0123456789abcdef0"), latestVersion: 1 } };
    case "aws:autoscaling/group:Group":
      return { id: physical, state: { name: physical, arn: arn("autoscaling", `autoScalingGroup:uuid:autoScalingGroupName/${physical}`) } };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { id: physical, state: { name: physical, arn: arn("logs", `log-group:${physical}`) } };
    case "aws:sqs/queue:Queue":
      return {
        id: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical}`,
        state: {
          name: physical,
          arn: arn("sqs", physical),
          url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical}`,
        },
      };
    case "aws:lambda/function:Function":
      return { id: physical, state: { name: physical, arn: arn("lambda", `function:${physical}`) } };
    case "aws:cloudwatch/eventRule:EventRule":
      return { id: physical, state: { name: physical, arn: arn("events", `rule/${physical}`) } };
    case "aws:s3/bucket:Bucket": {
      const bucket = inputs.bucket ?? `${name}-1a2b3c4`;
      return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case "aws:s3/bucketPolicy:BucketPolicy":
      return { id: inputs.bucket, state: {} };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { id: physical, state: { name: physical, arn: arn("cloudwatch", `alarm:${physical}`) } };
    default:
      return { id: `${name}-id`, state: {} };
  }
}

/** The region getRegion answers with; startMockSession sets it (ARNs of mocked resources keep REGION). */
let callRegion = REGION;

function answerCall(args: pulumi.runtime.MockCallArgs): Record<string, any> {
  const REGION = callRegion;
  switch (args.token) {
    case "aws:ssm/getParameter:getParameter":
      return { name: args.inputs.name, type: "String", value: AMI_ID, insecureValue: AMI_ID, version: 1 };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsSuffix: "com.amazonaws", id: "aws" };
    case "aws:index/getRegion:getRegion":
      return { name: REGION, region: REGION, id: REGION, endpoint: `ec2.${REGION}.amazonaws.com` };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/test`, userId: "AIDATEST", id: ACCOUNT };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: ["us-east-1a", "us-east-1b", "us-east-1c"], zoneIds: ["use1-az1", "use1-az2", "use1-az4"] };
    default:
      return args.inputs;
  }
}

/**
 * Installs fresh mocks and returns the session that records what is registered from now on.
 * Call it at the start of each test, before constructing components.
 */
export async function startMockSession(config: Record<string, string> = {}, options: { region?: string } = {}): Promise<MockSession> {
  callRegion = options.region ?? REGION;
  const resources: RecordedResource[] = [];
  const calls: RecordedCall[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const { id, state } = stateFor(args.type, args.name, args.inputs);
        return { id: args.id || id || `${args.name}-id`, state: { ...args.inputs, ...state } };
      },
      call: (args) => {
        calls.push({ token: args.token, inputs: args.inputs });
        return answerCall(args);
      },
    },
    PROJECT,
    STACK,
    false,
  );

  // MockResourceArgs carries neither the parent nor the resource options, so record them from the
  // request the SDK sends to the (mock) monitor.
  const monitor = pulumi.runtime.getMonitor() as any;
  const registerResource = monitor.registerResource.bind(monitor);
  let pending = 0;
  monitor.registerResource = (req: any, callback: (err: any, res: any) => void) => {
    pending++;
    registerResource(req, (err: any, res: any) => {
      pending--;
      if (!err) {
        resources.push({
          type: req.getType(),
          name: req.getName(),
          inputs: pulumi.runtime.deserializeProperties(req.getObject()),
          urn: res.getUrn(),
          parent: req.getParent(),
          ignoreChanges: req.getIgnorechangesList(),
          dependencies: req.getDependenciesList(),
        });
      }
      callback(err, res);
    });
  };

  const outputsRegistered = new Set<string>();
  const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, callback: (err: any, res: any) => void) => {
    outputsRegistered.add(req.getUrn());
    registerResourceOutputs(req, callback);
  };

  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([key, value]) => [`${PROJECT}:${key}`, value])));

  const ofType = (type: string) => resources.filter((r) => r.type === type);
  const one = (type: string) => {
    const found = ofType(type);
    if (found.length !== 1) {
      throw new Error(`expected exactly one ${type}, found ${found.length}`);
    }
    return found[0];
  };
  return { resources, calls, outputsRegistered, ofType, one, urnOf: (type) => one(type).urn, pending: () => pending };
}

/** Resolves an Output (or plain value) to its value under mocks. */
export function valueOf<T>(output: pulumi.Input<T> | undefined): Promise<T> {
  return new Promise((resolve) =>
    pulumi.output(output as pulumi.Input<T>).apply((v) => {
      resolve(v as T);
      return v;
    }),
  );
}

/**
 * Waits until the mock monitor has answered every registration and stays idle for a few event-loop
 * turns: registrations are asynchronous (each waits for its inputs), so specs read
 * `session.resources` only after this.
 */
export async function settle(session: MockSession): Promise<void> {
  let idleTurns = 0;
  for (let turn = 0; turn < 5000 && idleTurns < 10; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    idleTurns = session.pending() === 0 ? idleTurns + 1 : 0;
  }
  if (session.pending() !== 0) {
    throw new Error(`mock monitor still has ${session.pending()} registrations in flight`);
  }
}
