/** Shared set-up for the simulator specs: a simulator, an SDK client pointed at it, small builders. */
import { ECSClient } from "@aws-sdk/client-ecs";
import type { CreateServiceRequest } from "@aws-sdk/client-ecs";
import { EcsSimulator, type EcsSimulatorOptions } from "../../simulator";

export const CLUSTER = "test";

export function newSimulator(options: EcsSimulatorOptions = {}): EcsSimulator {
  const sim = new EcsSimulator({ seed: 11, taskStartSeconds: 5, taskStopSeconds: 10, instanceBootSeconds: 30, ...options });
  sim.createCluster(CLUSTER);
  return sim;
}

export function sdkClient(endpoint: string, maxAttempts = 3): ECSClient {
  return new ECSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" }, maxAttempts });
}

export interface InstanceSpec {
  zone: string;
  cpu?: number;
  memory?: number;
  instanceType?: string;
  attributes?: Record<string, string>;
}

/** Registers container instances directly (no Auto Scaling group, no boot delay). */
export function addInstances(sim: EcsSimulator, specs: InstanceSpec[]): string[] {
  return specs.map((s) =>
    sim.registerContainerInstance(CLUSTER, {
      zone: s.zone,
      cpu: s.cpu ?? 2048,
      memory: s.memory ?? 4096,
      instanceType: s.instanceType ?? "t3.medium",
      attributes: s.attributes,
    }),
  );
}

export function addTaskDefinition(sim: EcsSimulator, family: string, cpu = 128, memory = 128, hostPort = 0): string {
  return sim.registerTaskDefinition({
    family,
    containerDefinitions: [{ name: family, image: "httpd", cpu, memory, portMappings: [{ containerPort: 80, hostPort }] }],
  });
}

/** Registers a task definition named after the service and creates the service. */
export function addService(
  sim: EcsSimulator,
  name: string,
  desiredCount: number,
  extra: Partial<CreateServiceRequest> & { cpu?: number; memory?: number; hostPort?: number } = {},
): string {
  const { cpu, memory, hostPort, ...input } = extra;
  const taskDefinition = addTaskDefinition(sim, name, cpu, memory, hostPort);
  return sim.createService(CLUSTER, { serviceName: name, taskDefinition, desiredCount, ...input });
}

/** RUNNING tasks of one service per instance, in the order the instances are given. */
export function countsOn(sim: EcsSimulator, instances: string[], service: string): number[] {
  const distribution = sim.distribution(CLUSTER);
  return instances.map((arn) => distribution[arn]?.[service] ?? 0);
}

export function zoneOf(sim: EcsSimulator, instanceArn: string): string {
  return sim.state.containerInstanceByArn(instanceArn).attributes["ecs.availability-zone"];
}

export function runningPerZone(sim: EcsSimulator, service: string): Record<string, number> {
  const perZone: Record<string, number> = {};
  for (const [arn, counts] of Object.entries(sim.distribution(CLUSTER))) {
    const zone = zoneOf(sim, arn);
    perZone[zone] = (perZone[zone] ?? 0) + (counts[service] ?? 0);
  }
  return perZone;
}
