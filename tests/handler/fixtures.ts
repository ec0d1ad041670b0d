import type { ContainerInstance, PlacementConstraint, PlacementStrategy, Service, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { Snapshot } from "../../handler/snapshot";

/** Builds snapshots that look like what DescribeX returns, from a compact description. */
export interface InstanceSpec {
  zone: string;
  /** Tasks per service name on this instance. */
  tasks?: Record<string, number>;
  status?: "ACTIVE" | "DRAINING";
  agentConnected?: boolean;
  cpu?: number;
  memory?: number;
  attributes?: Record<string, string>;
}

export interface ServiceSpec {
  name: string;
  strategy?: PlacementStrategy[];
  constraints?: PlacementConstraint[];
  cpu?: number;
  memory?: number;
  hostPort?: number;
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  schedulingStrategy?: "REPLICA" | "DAEMON";
  tags?: Record<string, string>;
  desiredCount?: number;
  patch?: Partial<Service>;
}

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const CLUSTER = "demo";
export const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`;
export const ZONE_THEN_INSTANCE: PlacementStrategy[] = [
  { type: "spread", field: "attribute:ecs.availability-zone" },
  { type: "spread", field: "instanceId" },
];

export function instanceArn(index: number): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${CLUSTER}/${String(index).padStart(32, "0")}`;
}

export function serviceArn(name: string): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${name}`;
}

/** The identity a surge tag's proof binds to, for the fixture's service "web" (fixtures set no createdAt). */
export const WEB_IDENTITY = { serviceArn: serviceArn("web") };

export function buildSnapshot(instances: InstanceSpec[], services: ServiceSpec[]): Snapshot {
  const tasks: Task[] = [];
  const used = new Map<number, { cpu: number; memory: number; ports: string[] }>();
  let taskIndex = 0;
  const specs = new Map(services.map((s) => [s.name, s]));
  instances.forEach((spec, i) => {
    const usage = { cpu: 0, memory: 0, ports: ["22", "2375", "2376", "51678", "51679"] };
    for (const [name, count] of Object.entries(spec.tasks ?? {})) {
      const service = specs.get(name);
      if (!service) throw new Error(`fixture: unknown service ${name}`);
      for (let k = 0; k < count; k++) {
        tasks.push(task(service, instanceArn(i), spec.zone, taskIndex++));
        usage.cpu += service.cpu ?? 128;
        usage.memory += service.memory ?? 128;
        if (service.hostPort) usage.ports.push(String(service.hostPort));
      }
    }
    used.set(i, usage);
  });
  const running = new Map<string, number>();
  for (const t of tasks) running.set(t.group!, (running.get(t.group!) ?? 0) + 1);
  return {
    clusterArn: CLUSTER_ARN,
    containerInstances: instances.map((spec, i) => containerInstance(spec, i, used.get(i)!)),
    services: services.map((s) => service(s, running.get(`service:${s.name}`) ?? 0)),
    tasks,
    taskDefinitions: services.map(taskDefinition),
  };
}

function containerInstance(spec: InstanceSpec, i: number, used: { cpu: number; memory: number; ports: string[] }): ContainerInstance {
  const cpu = spec.cpu ?? 2048;
  const memory = spec.memory ?? 3904;
  return {
    containerInstanceArn: instanceArn(i),
    ec2InstanceId: `i-${String(i).padStart(17, "0")}`,
    status: spec.status ?? "ACTIVE",
    agentConnected: spec.agentConnected ?? true,
    attributes: [
      { name: "ecs.availability-zone", value: spec.zone },
      { name: "ecs.instance-type", value: "t3.small" },
      ...Object.entries(spec.attributes ?? {}).map(([name, value]) => ({ name, value })),
    ],
    registeredResources: [
      { name: "CPU", type: "INTEGER", integerValue: cpu },
      { name: "MEMORY", type: "INTEGER", integerValue: memory },
    ],
    remainingResources: [
      { name: "CPU", type: "INTEGER", integerValue: cpu - used.cpu },
      { name: "MEMORY", type: "INTEGER", integerValue: memory - used.memory },
      { name: "PORTS", type: "STRINGSET", stringSetValue: used.ports },
      { name: "PORTS_UDP", type: "STRINGSET", stringSetValue: [] },
    ],
  };
}

function service(spec: ServiceSpec, running: number): Service {
  const desired = spec.desiredCount ?? running;
  return {
    serviceArn: serviceArn(spec.name),
    serviceName: spec.name,
    clusterArn: CLUSTER_ARN,
    status: "ACTIVE",
    desiredCount: desired,
    runningCount: running,
    pendingCount: 0,
    launchType: "EC2",
    schedulingStrategy: spec.schedulingStrategy ?? "REPLICA",
    taskDefinition: taskDefinitionArn(spec.name),
    placementStrategy: spec.strategy ?? ZONE_THEN_INSTANCE,
    placementConstraints: spec.constraints ?? [],
    deploymentConfiguration: {
      minimumHealthyPercent: spec.minimumHealthyPercent ?? 100,
      maximumPercent: spec.maximumPercent ?? 200,
    },
    deploymentController: { type: "ECS" },
    deployments: [
      {
        id: `ecs-svc/${spec.name}`,
        status: "PRIMARY",
        rolloutState: "COMPLETED",
        desiredCount: desired,
        runningCount: running,
        pendingCount: 0,
      },
    ],
    tags: Object.entries(spec.tags ?? {}).map(([key, value]) => ({ key, value })),
    ...spec.patch,
  };
}

function task(spec: ServiceSpec, containerInstanceArn: string, zone: string, index: number): Task {
  return {
    taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${CLUSTER}/${String(index).padStart(32, "a")}`,
    clusterArn: CLUSTER_ARN,
    containerInstanceArn,
    availabilityZone: zone,
    group: `service:${spec.name}`,
    startedBy: `ecs-svc/${spec.name}`,
    taskDefinitionArn: taskDefinitionArn(spec.name),
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    launchType: "EC2",
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)),
  };
}

function taskDefinition(spec: ServiceSpec): TaskDefinition {
  return {
    taskDefinitionArn: taskDefinitionArn(spec.name),
    family: spec.name,
    revision: 1,
    networkMode: "bridge",
    containerDefinitions: [
      {
        name: spec.name,
        image: "httpd:2.4",
        cpu: spec.cpu ?? 128,
        memory: spec.memory ?? 128,
        portMappings: [{ containerPort: 80, hostPort: spec.hostPort ?? 0, protocol: "tcp" }],
      },
    ],
  };
}

export function taskDefinitionArn(name: string): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${name}:1`;
}

/** Tasks of each service per instance index after applying moves (a move lands on `to`, or is dropped when null). */
export function countsPerInstance(snapshot: Snapshot, serviceName: string): number[] {
  return snapshot.containerInstances.map(
    (i) => snapshot.tasks.filter((t) => t.containerInstanceArn === i.containerInstanceArn && t.group === `service:${serviceName}`).length,
  );
}
