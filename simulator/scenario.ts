/**
 * Loading and running scenarios: loadScenario builds the cluster, its Auto Scaling group and
 * services and lets them settle; applyStep performs one operator action and, unless told not
 * to, advances virtual time until the cluster is steady again.
 */
import { readFileSync } from "node:fs";
import type { Tag } from "@aws-sdk/client-ecs";
import { EcsSimulator } from "./simulator";
import type { AutoScalingGroup } from "./autoScaling";
import { parseScenario, scenarioTags, type Scenario, type ScenarioService, type ScenarioStep } from "./scenarioSchema";

export { validateScenario, parseScenario, STEP_ACTIONS } from "./scenarioSchema";
export type { Scenario, ScenarioService, ScenarioStep } from "./scenarioSchema";

export interface LoadedScenario {
  scenario: Scenario;
  clusterName: string;
  group: AutoScalingGroup;
}

export interface StepOptions {
  /** Advance until steady after the action (default true; ignored for advanceSeconds steps). */
  settle?: boolean;
  /** Give up settling after this many virtual seconds (default 3600). */
  maxSettleSeconds?: number;
}

export interface StepResult {
  step: string;
  /** Virtual seconds the step took (settling included). */
  elapsedSeconds: number;
  /** Whether the cluster was steady when the step ended. */
  steady: boolean;
  distribution: Record<string, Record<string, number>>;
}

const loaded = new WeakMap<EcsSimulator, LoadedScenario>();

/** A simulator configured with the scenario's seed, region and timing, with the scenario loaded. */
export function createScenarioSimulator(scenario: Scenario): { sim: EcsSimulator; loaded: LoadedScenario } {
  const sim = new EcsSimulator({ seed: scenario.seed, region: scenario.region, ...scenario.timing });
  return { sim, loaded: loadScenario(sim, scenario) };
}

/**
 * Creates the cluster, the Auto Scaling group with `instanceCount` instances and the services,
 * then advances until steady. Afterwards metrics, API call counts and the event queue are reset,
 * so what follows measures only the steps.
 */
export function loadScenario(sim: EcsSimulator, value: Scenario): LoadedScenario {
  const scenario = parseScenario(value);
  if (scenario.seed !== undefined) sim.reseed(scenario.seed);
  if (scenario.region) sim.setRegion(scenario.region);
  Object.assign(sim.timing, scenario.timing ?? {});
  const clusterName = scenario.cluster ?? scenario.name;
  sim.createCluster(clusterName);
  const group = sim.autoScalingGroup(clusterName, {
    zones: scenario.zones,
    cpu: scenario.instance.cpu,
    memory: scenario.instance.memory,
    instanceType: scenario.instance.instanceType,
  });
  group.setDesiredCapacity(scenario.instanceCount);
  for (const service of scenario.services) createScenarioService(sim, clusterName, service);
  sim.settle(clusterName);
  sim.resetMetrics();
  sim.resetApiCalls();
  sim.takeEvents();
  const result = { scenario, clusterName, group };
  loaded.set(sim, result);
  return result;
}

function createScenarioService(sim: EcsSimulator, clusterName: string, service: ScenarioService): void {
  const taskDefinitionArn = sim.registerTaskDefinition({
    family: service.name,
    networkMode: "bridge",
    requiresCompatibilities: ["EC2"],
    containerDefinitions: [
      {
        name: service.name,
        image: "public.ecr.aws/docker/library/httpd:2.4",
        cpu: service.cpu,
        memory: service.memory,
        essential: true,
        portMappings:
          service.containerPort === undefined
            ? []
            : [{ containerPort: service.containerPort, hostPort: service.hostPort ?? 0, protocol: "tcp" }],
      },
    ],
  });
  sim.createService(clusterName, {
    serviceName: service.name,
    taskDefinition: taskDefinitionArn,
    desiredCount: service.schedulingStrategy === "DAEMON" ? undefined : service.desiredCount,
    schedulingStrategy: service.schedulingStrategy ?? "REPLICA",
    launchType: "EC2",
    placementStrategy: service.placementStrategy,
    placementConstraints: service.placementConstraints,
    deploymentConfiguration: service.deploymentConfiguration,
    tags: toTags(service.tags),
    propagateTags: "SERVICE",
    availabilityZoneRebalancing: service.availabilityZoneRebalancing,
  });
}

function toTags(tags: ScenarioService["tags"]): Tag[] | undefined {
  return tags === undefined ? undefined : scenarioTags(tags);
}

/** Performs one step on a simulator prepared by loadScenario. */
export function applyStep(sim: EcsSimulator, step: ScenarioStep, options: StepOptions = {}): StepResult {
  const context = loaded.get(sim);
  if (!context) throw new Error("applyStep needs a simulator prepared by loadScenario");
  const started = sim.nowMs;
  performAction(sim, context, step);
  let steady = sim.isSteady(context.clusterName);
  if (step.advanceSeconds === undefined && options.settle !== false) {
    steady = trySettle(sim, context.clusterName, options.maxSettleSeconds ?? 3600);
  }
  return { step: step.name, elapsedSeconds: (sim.nowMs - started) / 1000, steady, distribution: sim.distribution(context.clusterName) };
}

function performAction(sim: EcsSimulator, { clusterName, group }: LoadedScenario, step: ScenarioStep): void {
  const instanceAt = (index: number) => {
    const arns = group.instances();
    if (index >= arns.length) throw new Error(`step "${step.name}": instance index ${index} out of range (the group has ${arns.length})`);
    return arns[index];
  };
  if (step.scaleInstances !== undefined) group.setDesiredCapacity(step.scaleInstances);
  else if (step.setDesiredCount) sim.setDesiredCount(clusterName, step.setDesiredCount.service, step.setDesiredCount.count);
  else if (step.drainInstance !== undefined) sim.drainInstance(instanceAt(step.drainInstance));
  else if (step.loseInstance !== undefined) group.loseInstance(instanceAt(step.loseInstance));
  else if (step.advanceSeconds !== undefined) sim.advance(step.advanceSeconds);
  else throw new Error(`step "${step.name}" has no action`);
}

function trySettle(sim: EcsSimulator, clusterName: string, maxSeconds: number): boolean {
  try {
    sim.settle(clusterName, maxSeconds);
    return true;
  } catch {
    return false;
  }
}

/** Loads the scenario and applies every step; returns one result per step. */
export function runScenario(sim: EcsSimulator, scenario: Scenario, options?: StepOptions): StepResult[] {
  loadScenario(sim, scenario);
  return scenario.steps.map((step) => applyStep(sim, step, options));
}

/** Reads and validates a scenario file. */
export function readScenarioFile(path: string): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`scenario file ${path}: ${(error as Error).message}`);
  }
  return parseScenario(value);
}

/** The context loadScenario recorded for this simulator, if any. */
export function loadedScenario(sim: EcsSimulator): LoadedScenario | undefined {
  return loaded.get(sim);
}
