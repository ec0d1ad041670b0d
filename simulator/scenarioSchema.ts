/**
 * The scenario file format (JSON) and its validator. A scenario describes a cluster (zones,
 * instance shape and count, services) and a list of steps, each exactly one operator action.
 * Errors are one line each: `scenario "services[0].desiredCount" = -1: must be an integer >= 0`.
 */
import type { DeploymentConfiguration, PlacementConstraint, PlacementStrategy, Tag } from "@aws-sdk/client-ecs";
import { shapeViolations } from "./contract/ecsContract";
import { parseExpression } from "./constraints";

/**
 * Bounds on a scenario's size and time: the simulator keeps every task and instance in memory and
 * steps virtual time one second at a time, so an unbounded value (instanceCount 1,000,000) would
 * hang instead of failing. Generous for every scenario and benchmark in this repository.
 */
export const SCENARIO_LIMITS = {
  zones: 10,
  instances: 1000,
  services: 1000,
  desiredCount: 5000,
  tasks: 50000,
  steps: 200,
  advanceSeconds: 86400,
  timingSeconds: 3600,
  cpu: 1048576,
  memory: 16777216,
} as const;

// an AWS region as its name is spelled: us-east-1, ap-southeast-4, us-gov-west-1, cn-north-1
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export interface Scenario {
  /** Short identifier, also the default cluster name. */
  name: string;
  description?: string;
  /** Seed for every random choice (placement tie-breaks, scale-in picks, ids). Default 1. */
  seed?: number;
  /** Default us-east-1. */
  region?: string;
  /** Cluster name; defaults to `name`. */
  cluster?: string;
  /** Availability Zones of the Auto Scaling group, e.g. ["us-east-1a", "us-east-1b"]. */
  zones: string[];
  /** Shape of every instance: registered CPU units and MiB, and the instance type attribute. */
  instance: { cpu: number; memory: number; instanceType?: string };
  /** Instances the Auto Scaling group starts with. */
  instanceCount: number;
  /**
   * Virtual seconds: task start and stop, instance boot; ECS's AZ rebalancing trigger delay (not
   * documented by AWS); the service scheduler's reaction delay; and how long each API call takes
   * (so that the scheduler can act between two calls of one invocation).
   */
  timing?: {
    taskStartSeconds?: number;
    taskStopSeconds?: number;
    instanceBootSeconds?: number;
    azRebalancingDelaySeconds?: number;
    schedulerDelaySeconds?: number;
    apiCallSeconds?: number;
  };
  services: ScenarioService[];
  steps: ScenarioStep[];
}

export interface ScenarioService {
  name: string;
  /** Required for REPLICA services; ignored for DAEMON (one task per instance). */
  desiredCount?: number;
  /** Task CPU units and memory MiB (one container). */
  cpu: number;
  memory: number;
  /** Container port; omit for a service without port mappings. */
  containerPort?: number;
  /** Host port; 0 (the default) is a dynamic port from the ephemeral range. */
  hostPort?: number;
  schedulingStrategy?: "REPLICA" | "DAEMON";
  /** ECS shape, e.g. [{ "type": "spread", "field": "attribute:ecs.availability-zone" }]. */
  placementStrategy?: PlacementStrategy[];
  /** ECS shape, e.g. [{ "type": "memberOf", "expression": "attribute:ecs.instance-type == t3.*" }]. */
  placementConstraints?: PlacementConstraint[];
  /** ECS shape: minimumHealthyPercent, maximumPercent, deploymentCircuitBreaker. */
  deploymentConfiguration?: DeploymentConfiguration;
  /** `{ "team": "web" }` or the ECS list `[{ "key": "team", "value": "web" }]`. */
  tags?: Record<string, string> | Tag[];
  /** ECS's AZ rebalancing; omitted, CreateService applies ECS's default (ENABLED for a compatible service). */
  availabilityZoneRebalancing?: "ENABLED" | "DISABLED";
}

/** Exactly one action per step. */
export interface ScenarioStep {
  name: string;
  /** Set the Auto Scaling group's desired capacity. */
  scaleInstances?: number;
  setDesiredCount?: { service: string; count: number };
  /** Set DRAINING the instance at this index of the group's in-service instances (oldest first). */
  drainInstance?: number;
  /** The instance at this index vanishes; the group launches a replacement. */
  loseInstance?: number;
  /** Let virtual time pass. */
  advanceSeconds?: number;
}

export const STEP_ACTIONS = ["scaleInstances", "setDesiredCount", "drainInstance", "loseInstance", "advanceSeconds"] as const;

type Check = (path: string, value: unknown) => string | undefined;
const fail = (path: string, value: unknown, expected: string) => `scenario "${path}" = ${JSON.stringify(value)}: ${expected}`;

const isInt =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (path, v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : fail(path, v, max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}`);
const isString: Check = (path, v) => (typeof v === "string" && v.length > 0 ? undefined : fail(path, v, "must be a non-empty string"));
const isSeconds =
  (max: number): Check =>
  (path, v) =>
    typeof v === "number" && v >= 0 && v <= max ? undefined : fail(path, v, `must be a number of seconds from 0 to ${max}`);
const isArray: Check = (path, v) => (Array.isArray(v) ? undefined : fail(path, v, "must be a list"));
const isObject: Check = (path, v) =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? undefined : fail(path, v, "must be an object");
const oneOf =
  (...values: string[]): Check =>
  (path, v) =>
    values.includes(v as string) ? undefined : fail(path, v, `must be one of ${values.join(", ")}`);

/** Returns every problem found, one line each; an empty list means the scenario is valid. */
export function validateScenario(value: unknown): string[] {
  const errors: string[] = [];
  const check = (path: string, v: unknown, rule: Check, optional = false) => {
    if (optional && v === undefined) return true;
    const error = rule(path, v);
    if (error) errors.push(error);
    return !error;
  };
  if (!check("", value, isObject)) return errors;
  const s = value as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  check("name", s.name, isString);
  check("description", s.description, isString, true);
  check("seed", s.seed, isInt(0, 2 ** 31 - 1), true);
  if (check("region", s.region, isString, true) && s.region !== undefined && !REGION.test(s.region)) {
    errors.push(fail("region", s.region, "must be an AWS region name such as us-east-1"));
  }
  check("cluster", s.cluster, isString, true);
  if (check("zones", s.zones, isArray)) {
    if (s.zones.length === 0 || s.zones.length > SCENARIO_LIMITS.zones)
      errors.push(fail("zones", s.zones, `must list 1 to ${SCENARIO_LIMITS.zones} zones`));
    s.zones.forEach((z: unknown, i: number) => check(`zones[${i}]`, z, isString));
  }
  if (check("instance", s.instance, isObject)) {
    check("instance.cpu", s.instance.cpu, isInt(1, SCENARIO_LIMITS.cpu));
    check("instance.memory", s.instance.memory, isInt(1, SCENARIO_LIMITS.memory));
    check("instance.instanceType", s.instance.instanceType, isString, true);
  }
  check("instanceCount", s.instanceCount, isInt(0, SCENARIO_LIMITS.instances));
  if (check("timing", s.timing, isObject, true) && s.timing) {
    for (const key of Object.keys(s.timing)) {
      if (!TIMING_KEYS.includes(key)) errors.push(fail(`timing.${key}`, s.timing[key], `is not a timing key (${TIMING_KEYS.join(", ")})`));
    }
    for (const key of TIMING_KEYS) check(`timing.${key}`, s.timing[key], isSeconds(SCENARIO_LIMITS.timingSeconds), true);
  }
  if (check("services", s.services, isArray)) {
    if (s.services.length > SCENARIO_LIMITS.services)
      errors.push(fail("services", `${s.services.length} services`, `must list at most ${SCENARIO_LIMITS.services}`));
    s.services.forEach((svc: unknown, i: number) => validateService(`services[${i}]`, svc, check, errors));
    validateServiceNames(s.services, errors);
  }
  const names = new Set(Array.isArray(s.services) ? s.services.map((svc: { name?: string }) => svc?.name) : []);
  if (check("steps", s.steps, isArray)) {
    if (s.steps.length > SCENARIO_LIMITS.steps)
      errors.push(fail("steps", `${s.steps.length} steps`, `must list at most ${SCENARIO_LIMITS.steps}`));
    s.steps.forEach((step: unknown, i: number) => validateStep(`steps[${i}]`, step, check, errors, names));
    if (errors.length === 0) validateStepIndexes(s as Scenario, errors);
  }
  if (errors.length === 0) validateTotalTasks(s as Scenario, errors);
  return errors;
}

const TIMING_KEYS = [
  "taskStartSeconds",
  "taskStopSeconds",
  "instanceBootSeconds",
  "azRebalancingDelaySeconds",
  "schedulerDelaySeconds",
  "apiCallSeconds",
];

type CheckFn = (path: string, v: unknown, rule: Check, optional?: boolean) => boolean;

function validateService(path: string, value: unknown, check: CheckFn, errors: string[]): void {
  if (!check(path, value, isObject)) return;
  const svc = value as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  check(`${path}.name`, svc.name, isString);
  check(`${path}.schedulingStrategy`, svc.schedulingStrategy, oneOf("REPLICA", "DAEMON"), true);
  check(`${path}.desiredCount`, svc.desiredCount, isInt(0, SCENARIO_LIMITS.desiredCount), svc.schedulingStrategy === "DAEMON");
  check(`${path}.cpu`, svc.cpu, isInt(0, SCENARIO_LIMITS.cpu));
  check(`${path}.memory`, svc.memory, isInt(1, SCENARIO_LIMITS.memory));
  check(`${path}.containerPort`, svc.containerPort, isInt(1, 65535), true);
  check(`${path}.hostPort`, svc.hostPort, isInt(0, 65535), true);
  if (svc.hostPort !== undefined && svc.containerPort === undefined)
    errors.push(fail(`${path}.hostPort`, svc.hostPort, "needs containerPort"));
  if (check(`${path}.placementStrategy`, svc.placementStrategy, isArray, true) && svc.placementStrategy) {
    svc.placementStrategy.forEach((p: Record<string, unknown>, i: number) => validateStrategy(`${path}.placementStrategy[${i}]`, p, check));
  }
  if (check(`${path}.placementConstraints`, svc.placementConstraints, isArray, true) && svc.placementConstraints) {
    svc.placementConstraints.forEach((p: Record<string, unknown>, i: number) =>
      validateConstraint(`${path}.placementConstraints[${i}]`, p, check, errors),
    );
  }
  if (check(`${path}.deploymentConfiguration`, svc.deploymentConfiguration, isObject, true) && svc.deploymentConfiguration) {
    // CreateService's own bounds (the simulator's services.ts enforces the same)
    check(`${path}.deploymentConfiguration.minimumHealthyPercent`, svc.deploymentConfiguration.minimumHealthyPercent, isInt(0, 100), true);
    check(`${path}.deploymentConfiguration.maximumPercent`, svc.deploymentConfiguration.maximumPercent, isInt(100, 1000), true);
  }
  check(`${path}.availabilityZoneRebalancing`, svc.availabilityZoneRebalancing, oneOf("ENABLED", "DISABLED"), true);
  if (svc.tags !== undefined && (svc.tags === null || typeof svc.tags !== "object")) {
    errors.push(fail(`${path}.tags`, svc.tags, "must be an object or a list of { key, value }"));
  } else if (svc.tags !== undefined) {
    // the service is created through CreateService, so its tags must be what ECS accepts
    const first = shapeViolations("Tags", scenarioTags(svc.tags), "tags")[0];
    if (first) errors.push(fail(`${path}.tags`, svc.tags, `must be tags ECS accepts: ${first.message}`));
  }
}

/** A scenario's tags, given as an object or as ECS's own list, as the ECS list. */
export function scenarioTags(tags: Record<string, string> | Tag[]): Tag[] {
  return Array.isArray(tags) ? tags : Object.entries(tags).map(([key, value]) => ({ key, value }));
}

function validateStep(path: string, value: unknown, check: CheckFn, errors: string[], services: Set<unknown>): void {
  if (!check(path, value, isObject)) return;
  const step = value as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  check(`${path}.name`, step.name, isString);
  const actions = STEP_ACTIONS.filter((a) => step[a] !== undefined);
  if (actions.length !== 1) {
    errors.push(fail(path, actions, `must have exactly one action of ${STEP_ACTIONS.join(", ")}`));
    return;
  }
  const action = actions[0];
  if (action === "advanceSeconds") check(`${path}.advanceSeconds`, step.advanceSeconds, isSeconds(SCENARIO_LIMITS.advanceSeconds));
  else if (action === "setDesiredCount") {
    if (!check(`${path}.setDesiredCount`, step.setDesiredCount, isObject)) return;
    const { service, count } = step.setDesiredCount;
    if (check(`${path}.setDesiredCount.service`, service, isString) && !services.has(service)) {
      errors.push(fail(`${path}.setDesiredCount.service`, service, "must name a service of the scenario"));
    }
    check(`${path}.setDesiredCount.count`, count, isInt(0, SCENARIO_LIMITS.desiredCount));
  } else check(`${path}.${action}`, step[action], isInt(0, SCENARIO_LIMITS.instances));
}

/** ECS spreads by instanceId, host or attribute:<name>, binpacks by cpu or memory; random takes no field. */
function validateStrategy(path: string, p: Record<string, unknown>, check: CheckFn): void {
  if (!check(`${path}.type`, p?.type, oneOf("spread", "binpack", "random"))) return;
  if (
    p.type === "spread" &&
    !(p.field === "instanceId" || p.field === "host" || (typeof p.field === "string" && /^attribute:\S+$/.test(p.field)))
  ) {
    check(`${path}.field`, p.field, () => fail(`${path}.field`, p.field, "must be instanceId, host or attribute:<name> for spread"));
  }
  if (p.type === "binpack") check(`${path}.field`, p.field, oneOf("cpu", "memory"));
}

function validateConstraint(path: string, p: Record<string, unknown>, check: CheckFn, errors: string[]): void {
  if (!check(`${path}.type`, p?.type, oneOf("distinctInstance", "memberOf")) || p.type !== "memberOf") return;
  if (!check(`${path}.expression`, p.expression, isString)) return;
  try {
    parseExpression(p.expression as string);
  } catch (error) {
    errors.push(fail(`${path}.expression`, p.expression, (error as Error).message));
  }
}

/** Service names key the tasks' group and every step that names a service: each must be unique. */
function validateServiceNames(services: unknown[], errors: string[]): void {
  const seen = new Set<unknown>();
  services.forEach((svc, i) => {
    const name = (svc as { name?: unknown })?.name;
    if (seen.has(name)) errors.push(fail(`services[${i}].name`, name, "is used by an earlier service; names must be unique"));
    seen.add(name);
  });
}

/**
 * drainInstance and loseInstance name an instance by its index in the group, so the index must be
 * below the group's size at that step (the last scaleInstances, else instanceCount).
 */
function validateStepIndexes(scenario: Scenario, errors: string[]): void {
  let size = scenario.instanceCount;
  scenario.steps.forEach((step, i) => {
    if (step.scaleInstances !== undefined) size = step.scaleInstances;
    for (const action of ["drainInstance", "loseInstance"] as const) {
      const index = step[action];
      if (index !== undefined && index >= size)
        errors.push(fail(`steps[${i}].${action}`, index, `must be below the group's ${size} instance(s) at this step`));
    }
  });
}

function validateTotalTasks(scenario: Scenario, errors: string[]): void {
  const total = scenario.services.reduce((sum, svc) => sum + (svc.desiredCount ?? scenario.instanceCount), 0);
  if (total > SCENARIO_LIMITS.tasks)
    errors.push(fail("services", `${total} tasks in all`, `must add up to at most ${SCENARIO_LIMITS.tasks} tasks`));
}

/** Validates and returns the scenario, or throws with every problem, one per line. */
export function parseScenario(value: unknown): Scenario {
  const errors = validateScenario(value);
  if (errors.length > 0) throw new Error(errors.join("\n"));
  return value as Scenario;
}
