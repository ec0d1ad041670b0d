import type { ContainerInstance, PlacementStrategy, Resource, TaskDefinition } from "@aws-sdk/client-ecs";
import { attributeValue } from "./placementConstraint";

export const ZONE_ATTRIBUTE = "ecs.availability-zone";
export const ZONE_FIELD = `attribute:${ZONE_ATTRIBUTE}`;

/** What one task of a service reserves on a container instance. */
export interface TaskNeeds {
  cpu: number;
  memory: number;
  /** Static host ports ("tcp:80"); dynamic (hostPort 0) mappings take no fixed port. */
  hostPorts: string[];
}

/**
 * ECS reserves the task-level cpu and memory when the task definition sets them, otherwise the sum
 * of the containers' cpu and memory (the hard limit, or else the soft reservation).
 */
export function taskNeeds(definition: TaskDefinition): TaskNeeds {
  const containers = definition.containerDefinitions ?? [];
  const cpu = definition.cpu ? Number(definition.cpu) : sum(containers.map((c) => c.cpu ?? 0));
  const memory = definition.memory ? Number(definition.memory) : sum(containers.map((c) => c.memory ?? c.memoryReservation ?? 0));
  const hostPorts: string[] = [];
  const mode = definition.networkMode ?? "bridge";
  if (mode === "bridge" || mode === "host") {
    for (const container of containers) {
      for (const mapping of container.portMappings ?? []) {
        const port = mode === "host" ? (mapping.hostPort ?? mapping.containerPort) : mapping.hostPort;
        if (port) hostPorts.push(`${mapping.protocol ?? "tcp"}:${port}`);
      }
    }
  }
  return { cpu, memory, hostPorts };
}

/** Free resources of an instance, from `remainingResources`. */
export interface FreeResources {
  cpu: number;
  memory: number;
  /** Ports in use ("tcp:80"): ECS lists the used ports under remainingResources PORTS / PORTS_UDP. */
  usedPorts: Set<string>;
}

export function freeResources(instance: ContainerInstance): FreeResources {
  const remaining = instance.remainingResources ?? [];
  const usedPorts = new Set<string>();
  for (const port of stringSet(remaining, "PORTS")) usedPorts.add(`tcp:${port}`);
  for (const port of stringSet(remaining, "PORTS_UDP")) usedPorts.add(`udp:${port}`);
  return { cpu: integer(remaining, "CPU"), memory: integer(remaining, "MEMORY"), usedPorts };
}

/** How many more tasks with these needs fit in these free resources. */
export function room(free: FreeResources, needs: TaskNeeds): number {
  for (const port of needs.hostPorts) if (free.usedPorts.has(port)) return 0;
  let fits = Number.POSITIVE_INFINITY;
  if (needs.cpu > 0) fits = Math.min(fits, Math.floor(free.cpu / needs.cpu));
  if (needs.memory > 0) fits = Math.min(fits, Math.floor(free.memory / needs.memory));
  if (needs.hostPorts.length > 0) fits = Math.min(fits, 1);
  return Math.max(0, fits);
}

export function reserve(free: FreeResources, needs: TaskNeeds): void {
  free.cpu -= needs.cpu;
  free.memory -= needs.memory;
  for (const port of needs.hostPorts) free.usedPorts.add(port);
}

/**
 * The spread fields a service balances on, in order. ECS spreads a service that names no strategy
 * by Availability Zone only, and within a zone by instance (see below). `host` is an alias of `instanceId`. Returns undefined when a strategy
 * is not a spread (binpack and random deliberately pack or scatter; balancing would fight them).
 */
export function spreadFields(strategies: PlacementStrategy[] | undefined): string[] | { notSpread: string } {
  const list = strategies && strategies.length > 0 ? strategies : [{ type: "spread", field: ZONE_FIELD } as PlacementStrategy];
  const fields: string[] = [];
  for (const strategy of list) {
    if (strategy.type !== "spread") return { notSpread: `${strategy.type}${strategy.field ? `(${strategy.field})` : ""}` };
    const field = strategy.field === "host" || strategy.field === "instanceId" ? "instanceId" : (strategy.field ?? ZONE_FIELD);
    if (fields.includes(field)) continue;
    fields.push(field);
    // every group under instanceId holds one instance: later fields cannot change anything
    if (field === "instanceId") break;
  }
  // Under zone spread ECS places a task, within the chosen zone, on the instance with the fewest
  // tasks of the service, and scales in from the one with the most (UpdateService API reference):
  // its in-zone choice is an instance spread, so the planner balances such services by instance too.
  if (fields[0] === ZONE_FIELD && fields[fields.length - 1] !== "instanceId") fields.push("instanceId");
  return fields;
}

/** The value of a spread field on an instance (instances without the attribute form their own group). */
export function spreadValue(instance: ContainerInstance, field: string): string {
  if (field === "instanceId") return instance.containerInstanceArn ?? "";
  if (field.startsWith("attribute:")) return attributeValue(instance, field.slice("attribute:".length)) ?? "";
  return "";
}

export function isSupportedSpreadField(field: string): boolean {
  return field === "instanceId" || field.startsWith("attribute:");
}

function integer(resources: Resource[], name: string): number {
  const resource = resources.find((r) => r.name === name);
  return resource?.integerValue ?? 0;
}

function stringSet(resources: Resource[], name: string): string[] {
  return resources.find((r) => r.name === name)?.stringSetValue ?? [];
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
