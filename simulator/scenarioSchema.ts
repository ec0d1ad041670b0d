/**
 * The scenario file format (JSON) and its validator. A scenario describes a cluster (zones,
 * instance shape and count, services) and a list of steps, each exactly one operator action.
 * Errors are one line each: `scenario "services[0].desiredCount" = -1: must be an integer >= 0`.
 */
import type { DeploymentConfiguration, PlacementConstraint, PlacementStrategy, Tag } from "@aws-sdk/client-ecs";
import { shapeViolations } from "./contract/ecsContract";

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

const isInt = (min: number): Check => (path, v) =>
  Number.isInteger(v) && (v as number) >= min ? undefined : fail(path, v, `must be an integer >= ${min}`);
const isString: Check = (path, v) => (typeof v === "string" && v.length > 0 ? undefined : fail(path, v, "must be a non-empty string"));
const isNumber: Check = (path, v) => (typeof v === "number" && v >= 0 ? undefined : fail(path, v, "must be a number >= 0"));
const isArray: Check = (path, v) => (Array.isArray(v) ? undefined : fail(path, v, "must be a list"));
const isObject: Check = (path, v) => (v !== null && typeof v === "object" && !Array.isArray(v) ? undefined : fail(path, v, "must be an object"));
const oneOf = (...values: string[]): Check => (path, v) =>
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
  check("seed", s.seed, isInt(0), true);
  check("region", s.region, isString, true);
  check("cluster", s.cluster, isString, true);
  if (check("zones", s.zones, isArray)) {
    if (s.zones.length === 0) errors.push(fail("zones", s.zones, "must list at least one zone"));
    s.zones.forEach((z: unknown, i: number) => check(`zones[${i}]`, z, isString));
  }
  if (check("instance", s.instance, isObject)) {
    check("instance.cpu", s.instance.cpu, isInt(1));
    check("instance.memory", s.instance.memory, isInt(1));
    check("instance.instanceType", s.instance.instanceType, isString, true);
  }
  check("instanceCount", s.instanceCount, isInt(0));
  if (check("timing", s.timing, isObject, true) && s.timing) {
    for (const key of Object.keys(s.timing)) {
      if (!TIMING_KEYS.includes(key)) errors.push(fail(`timing.${key}`, s.timing[key], `is not a timing key (${TIMING_KEYS.join(", ")})`));
    }
    for (const key of TIMING_KEYS) check(`timing.${key}`, s.timing[key], isNumber, true);
  }
  if (check("services", s.services, isArray)) s.services.forEach((svc: unknown, i: number) => validateService(`services[${i}]`, svc, check, errors));
  const names = new Set(Array.isArray(s.services) ? s.services.map((svc: { name?: string }) => svc?.name) : []);
  if (check("steps", s.steps, isArray)) s.steps.forEach((step: unknown, i: number) => validateStep(`steps[${i}]`, step, check, errors, names));
  return errors;
}

const TIMING_KEYS = ["taskStartSeconds", "taskStopSeconds", "instanceBootSeconds", "azRebalancingDelaySeconds", "schedulerDelaySeconds", "apiCallSeconds"];

type CheckFn = (path: string, v: unknown, rule: Check, optional?: boolean) => boolean;

function validateService(path: string, value: unknown, check: CheckFn, errors: string[]): void {
  if (!check(path, value, isObject)) return;
  const svc = value as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  check(`${path}.name`, svc.name, isString);
  check(`${path}.schedulingStrategy`, svc.schedulingStrategy, oneOf("REPLICA", "DAEMON"), true);
  check(`${path}.desiredCount`, svc.desiredCount, isInt(0), svc.schedulingStrategy === "DAEMON");
  check(`${path}.cpu`, svc.cpu, isInt(0));
  check(`${path}.memory`, svc.memory, isInt(1));
  check(`${path}.containerPort`, svc.containerPort, isInt(1), true);
  check(`${path}.hostPort`, svc.hostPort, isInt(0), true);
  if (svc.hostPort !== undefined && svc.containerPort === undefined) errors.push(fail(`${path}.hostPort`, svc.hostPort, "needs containerPort"));
  if (check(`${path}.placementStrategy`, svc.placementStrategy, isArray, true) && svc.placementStrategy) {
    svc.placementStrategy.forEach((p: Record<string, unknown>, i: number) =>
      check(`${path}.placementStrategy[${i}].type`, p?.type, oneOf("spread", "binpack", "random")));
  }
  if (check(`${path}.placementConstraints`, svc.placementConstraints, isArray, true) && svc.placementConstraints) {
    svc.placementConstraints.forEach((p: Record<string, unknown>, i: number) =>
      check(`${path}.placementConstraints[${i}].type`, p?.type, oneOf("distinctInstance", "memberOf")));
  }
  check(`${path}.deploymentConfiguration`, svc.deploymentConfiguration, isObject, true);
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
  if (action === "advanceSeconds") check(`${path}.advanceSeconds`, step.advanceSeconds, isNumber);
  else if (action === "setDesiredCount") {
    if (!check(`${path}.setDesiredCount`, step.setDesiredCount, isObject)) return;
    const { service, count } = step.setDesiredCount;
    if (check(`${path}.setDesiredCount.service`, service, isString) && !services.has(service)) {
      errors.push(fail(`${path}.setDesiredCount.service`, service, "must name a service of the scenario"));
    }
    check(`${path}.setDesiredCount.count`, count, isInt(0));
  } else check(`${path}.${action}`, step[action], isInt(0));
}

/** Validates and returns the scenario, or throws with every problem, one per line. */
export function parseScenario(value: unknown): Scenario {
  const errors = validateScenario(value);
  if (errors.length > 0) throw new Error(errors.join("\n"));
  return value as Scenario;
}
