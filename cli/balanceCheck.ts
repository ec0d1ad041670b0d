import type { ContainerInstance, Service, Task } from "@aws-sdk/client-ecs";
import { Snapshot } from "../handler/snapshot";

/**
 * Whether a service's tasks are spread as its strategy asks, judged from the outcome alone and
 * written apart from the planner, so that reports do not grade the planner with its own code.
 * At each spread level, two sibling groups may differ by more than one task only when the
 * emptier group has no room for another task. Services that are not REPLICA, that use a
 * non-spread strategy or placement constraints, or that opt out by tag, are not judged.
 */
export function unbalancedServices(snapshot: Snapshot): string[] {
  const active = snapshot.containerInstances.filter((i) => i.status === "ACTIVE" && i.agentConnected);
  return snapshot.services.filter((s) => isJudged(s) && !isSpreadEvenly(s, snapshot, active)).map((s) => s.serviceName!);
}

function isJudged(service: Service): boolean {
  const strategies = service.placementStrategy ?? [];
  return (
    service.schedulingStrategy !== "DAEMON" &&
    strategies.every((s) => s.type === "spread") &&
    (service.placementConstraints ?? []).length === 0 &&
    !service.tags?.some((t) => t.key === "ecs-rebalancer:ignore" && t.value === "true")
  );
}

function isSpreadEvenly(service: Service, snapshot: Snapshot, instances: ContainerInstance[]): boolean {
  const fields = (service.placementStrategy ?? []).map((s) => s.field!);
  const levels = fields.length > 0 ? fields : ["attribute:ecs.availability-zone"];
  const tasks = snapshot.tasks.filter((t) => t.group === `service:${service.serviceName}` && t.lastStatus === "RUNNING");
  const fits = roomFor(service, snapshot);
  return checkLevel(levels, 0, instances, tasks, fits);
}

function checkLevel(
  levels: string[],
  level: number,
  instances: ContainerInstance[],
  tasks: Task[],
  fits: (i: ContainerInstance) => boolean,
): boolean {
  if (level === levels.length || instances.length <= 1) return true;
  const groups = new Map<string, ContainerInstance[]>();
  for (const instance of instances) {
    const key = valueOf(instance, levels[level]);
    groups.set(key, [...(groups.get(key) ?? []), instance]);
  }
  const stats = [...groups.values()].map((members) => ({
    members,
    count: tasks.filter((t) => members.some((m) => m.containerInstanceArn === t.containerInstanceArn)).length,
    hasRoom: members.some(fits),
  }));
  const highest = Math.max(...stats.map((s) => s.count));
  if (stats.some((s) => s.hasRoom && s.count < highest - 1)) return false;
  return stats.every((s) => checkLevel(levels, level + 1, s.members, tasks, fits));
}

function valueOf(instance: ContainerInstance, field: string): string {
  if (field === "instanceId" || field === "host") return instance.containerInstanceArn!;
  const name = field.replace(/^attribute:/, "");
  return instance.attributes?.find((a) => a.name === name)?.value ?? "";
}

function roomFor(service: Service, snapshot: Snapshot): (instance: ContainerInstance) => boolean {
  const definition = snapshot.taskDefinitions.find((d) => d.taskDefinitionArn === service.taskDefinition);
  const containers = definition?.containerDefinitions ?? [];
  const cpu = containers.reduce((sum, c) => sum + (c.cpu ?? 0), 0);
  const memory = containers.reduce((sum, c) => sum + (c.memory ?? c.memoryReservation ?? 0), 0);
  return (instance) => {
    const remaining = (name: string) => instance.remainingResources?.find((r) => r.name === name)?.integerValue ?? 0;
    return remaining("CPU") >= cpu && remaining("MEMORY") >= memory;
  };
}
