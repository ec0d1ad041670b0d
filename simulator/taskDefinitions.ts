/**
 * RegisterTaskDefinition: each registration of a family makes the next revision. The simulator
 * models what placement needs (cpu, memory, port mappings) and echoes the rest back.
 */
import type { ContainerDefinition, RegisterTaskDefinitionRequest } from "@aws-sdk/client-ecs";
import type { EcsState } from "./state";
import type { SimContainerDefinition, SimTaskDefinition } from "./model";
import { clientError } from "./errors";
import { mergeTags } from "./tagRules";

export function registerTaskDefinition(state: EcsState, input: RegisterTaskDefinitionRequest): SimTaskDefinition {
  if (!input.family || !/^[A-Za-z0-9_-]{1,255}$/.test(input.family)) {
    throw clientError(`Family "${input.family ?? ""}" is invalid: up to 255 letters, numbers, hyphens and underscores.`);
  }
  const containers = input.containerDefinitions ?? [];
  if (containers.length === 0) throw clientError("Container list cannot be empty.");
  const networkMode = input.networkMode ?? "bridge";
  const tags = mergeTags([], input.tags ?? []); // ECS's tag rules, checked before anything is stored
  const revisions = state.families.get(input.family) ?? [];
  const revision = revisions.length + 1;
  const definition: SimTaskDefinition = {
    arn: state.arn(`task-definition/${input.family}:${revision}`),
    family: input.family,
    revision,
    status: "ACTIVE",
    containerDefinitions: containers.map((c) => toContainer(c, networkMode, input.memory)),
    cpu: input.cpu,
    memory: input.memory,
    networkMode,
    requiresCompatibilities: input.requiresCompatibilities ?? [],
    registeredAtMs: state.nowMs,
    raw: JSON.parse(JSON.stringify(input)) as Record<string, unknown>,
  };
  revisions.push(definition);
  state.families.set(input.family, revisions);
  state.taskDefinitions.set(definition.arn, definition);
  if (tags.length) state.tags.set(definition.arn, tags);
  state.metrics.taskDefinitionsRegistered++;
  return definition;
}

function toContainer(c: ContainerDefinition, networkMode: string, taskMemory: string | undefined): SimContainerDefinition {
  if (!c.name) throw clientError("Container.name should not be null or empty.");
  const memory = c.memory ?? c.memoryReservation;
  if (memory === undefined && taskMemory === undefined) {
    throw clientError(`Invalid setting for container '${c.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
  }
  return {
    name: c.name,
    image: c.image ?? "",
    cpu: c.cpu ?? 0,
    memory: memory ?? 0,
    essential: c.essential ?? true,
    portMappings: (c.portMappings ?? []).map((p) => ({
      containerPort: p.containerPort ?? 0,
      // In bridge mode an unset host port is dynamic (0); in host and awsvpc modes it equals the container port.
      hostPort: p.hostPort ?? (networkMode === "bridge" ? 0 : (p.containerPort ?? 0)),
      protocol: p.protocol === "udp" ? "udp" : "tcp",
    })),
  };
}
