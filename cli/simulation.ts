import type { Service } from "@aws-sdk/client-ecs";
import { EcsPort } from "../handler/ecsPort";
import { readSnapshot, Snapshot } from "../handler/snapshot";
import { SURGE_TAG } from "../handler/surgeTag";
import { instanceChangePattern, serviceSteadyPattern } from "../infra/taskRebalancer";
import { applyStep, createScenarioSimulator, EcsSimulator, Faults, Scenario } from "../simulator";
import { unbalancedServices } from "./balanceCheck";
import { EventPattern, matchesPattern } from "./eventPattern";
import { FloorDips, FloorSample, sampleServices } from "./floorDips";
import { LandingCounts, LandingTracker } from "./landingTracker";
import { LambdaRuntime, virtualRuntime } from "./virtualRuntime";
import { DEFAULTS } from "../infra/config";

/**
 * Runs a scenario on the simulator with a rebalancer in the loop, the way it runs in AWS: events
 * the deployed rule matches are delivered one at a time (reserved concurrency 1), a scheduled
 * event arrives as the backstop, and the rebalancer reaches ECS only through the SDK over HTTP.
 */
export type Rebalancer = (event: unknown) => Promise<unknown>;
/** `runtime`: the Lambda's view of time in this simulation (virtualRuntime.ts), for a rebalancer that sleeps. */
export type RebalancerFactory = (context: {
  endpoint: string;
  clusterArn: string;
  runtime: LambdaRuntime;
}) => Rebalancer | Promise<Rebalancer>;

export interface SimulationOptions {
  scenario: Scenario;
  /** Omitted: ECS alone, as without the rebalancer. */
  rebalancer?: RebalancerFactory;
  faults?: Partial<Faults>;
  /** Virtual seconds between scheduled backstop events; 0 for none. Default 900, as deployed. */
  scheduleSeconds?: number;
  /** Virtual seconds between deliveries of events. Default 5. */
  tickSeconds?: number;
  /** Give up on a step after this many virtual seconds. Default 3600. */
  maxStepSeconds?: number;
  /** Called after each tick of each step (soak faults, such as losing an instance midway). */
  onTick?: (context: TickContext) => void;
  /** Called when each step has settled, before the next step's action (the bench measures each step's end). */
  onStepEnd?: (context: { sim: EcsSimulator; stepIndex: number }) => void;
  /** While this says so, a step goes on ticking even when steady (a fault is still due in it). */
  holdStep?: (stepIndex: number, elapsedSeconds: number) => boolean;
  /** The function's timeout: each invocation's remaining time counts down from it on the virtual clock. Default: the stack's. */
  functionTimeoutSeconds?: number;
  /** Measure whether cluster load moves land where planned (landingTracker.ts; costs a snapshot per invocation). */
  trackLanding?: boolean;
}

export interface TickContext {
  sim: EcsSimulator;
  stepIndex: number;
  elapsedSeconds: number;
  loseInstance: (index: number) => void;
}

export interface StepReport {
  name: string;
  distribution: Record<string, Record<string, number>>;
  seconds: number;
  steady: boolean;
  moves: number;
  apiCalls: { read: number; write: number };
}

export interface SimulationReport {
  scenario: string;
  rebalancer: boolean;
  steps: StepReport[];
  /** Tasks the rebalancer caused to stop (StopTask, and scale-in or replacement after its UpdateService calls). */
  moves: number;
  minRunning: Record<string, number>;
  /**
   * Per REPLICA service, the second it was furthest from its minimum healthy count: RUNNING tasks
   * minus ceil(n x minimumHealthyPercent / 100), n the desired count then (a surge's `from` while
   * a surge holds it; see minimumHealthy.ts). Sampled every virtual second.
   */
  lowestFloorMargin: Record<string, FloorSample>;
  /** No service was ever below its minimum healthy count, for whatever reason (a scale-in too). */
  minHealthyHeld: boolean;
  apiCalls: { read: number; write: number; byOperation: Record<string, number> };
  invocations: number;
  taskDefinitionsRegistered: number;
  /** Services left with a raised desired count (a surge tag still on them) at the end. */
  surgesLeft: string[];
  /** Services whose placement constraints at the end differ from those they were created with (a pin left: surgePin.ts). */
  constraintsChanged: string[];
  /** Every judged service ends spread as its strategy asks (see balanceCheck.ts). */
  balanced: boolean;
  unbalanced: string[];
  instanceNames: Record<string, string>;
  simulatedSeconds: number;
  /** With trackLanding: cluster load moves started, and those that landed on their planned instance. */
  loadMoves?: LandingCounts;
}

export async function simulate(options: SimulationOptions): Promise<SimulationReport> {
  const { sim, loaded } = createScenarioSimulator(options.scenario);
  Object.assign(sim.faults, options.faults ?? {});
  const endpoint = await sim.listen();
  try {
    const clusterArn = sim.state.cluster(loaded.clusterName).arn;
    const observer = observe(sim, loaded.clusterName);
    const runtime = virtualRuntime(sim, options.functionTimeoutSeconds ?? DEFAULTS.functionTimeoutSeconds);
    const rebalancer = options.rebalancer ? await options.rebalancer({ endpoint, clusterArn, runtime }) : undefined;
    const landing = options.trackLanding && rebalancer ? new LandingTracker() : undefined;
    const loop = new EventLoop(sim, clusterArn, rebalancer, options, observer, landing);
    const floors = new FloorDips();
    const current = { step: 0, startMs: sim.nowMs };
    sim.everySecond(() => {
      const seconds = (sim.nowMs - current.startMs) / 1000;
      sampleServices(sim, loaded.clusterName, floors, { step: current.step, seconds, isInstanceLossTick: false });
    });
    const steps: StepReport[] = [];
    for (const [index, step] of options.scenario.steps.entries()) {
      Object.assign(current, { step: index, startMs: sim.nowMs });
      applyStep(sim, step, { settle: false });
      steps.push({ name: step.name, ...(await loop.runUntilSteady(index, loaded.clusterName, observer)) });
      options.onStepEnd?.({ sim, stepIndex: index });
    }
    const end = await observer.snapshot();
    const metrics = sim.metrics();
    const unbalanced = unbalancedServices(end);
    return {
      scenario: options.scenario.name,
      rebalancer: rebalancer !== undefined,
      steps,
      moves: loop.moves,
      minRunning: metrics.minRunning,
      lowestFloorMargin: floors.lowest,
      minHealthyHeld: Object.values(floors.lowest).every((sample) => sample.margin >= 0),
      apiCalls: observer.rebalancerCalls(),
      invocations: loop.invocations,
      taskDefinitionsRegistered: metrics.taskDefinitionsRegistered,
      surgesLeft: end.services.filter((s) => s.tags?.some((t) => t.key === SURGE_TAG)).map((s) => s.serviceName!),
      constraintsChanged: constraintsChanged(options.scenario, end.services),
      balanced: unbalanced.length === 0,
      unbalanced,
      instanceNames: instanceNames(end),
      simulatedSeconds: steps.reduce((sum, s) => sum + s.seconds, 0),
      ...(landing ? { loadMoves: landing.counts } : {}),
    };
  } finally {
    await sim.close();
  }
}

/** The services whose placement constraints are no longer those the scenario created them with. */
export function constraintsChanged(scenario: Scenario, services: Service[]): string[] {
  const text = (constraints: Service["placementConstraints"]) =>
    (constraints ?? []).map((c) => `${c.type} ${c.expression ?? ""}`).join("\n");
  const created = new Map(scenario.services.map((s) => [s.name, text(s.placementConstraints)]));
  return services
    .filter((s) => created.has(s.serviceName!) && text(s.placementConstraints) !== created.get(s.serviceName!))
    .map((s) => s.serviceName!);
}

/**
 * Delivers events tick by tick until the cluster is steady, nothing is left to deliver and no
 * surge is in flight. Stops the rebalancer causes are counted as the tasks whose stop began
 * while it was running or in the ticks after one of its writes, minus what the step itself
 * (the operator's action) stopped: measured by the simulator's own task records.
 */
class EventLoop {
  moves = 0;
  invocations = 0;
  private lastSchedule = 0;
  private readonly patterns: EventPattern[];

  constructor(
    private readonly sim: EcsSimulator,
    private readonly clusterArn: string,
    private readonly rebalancer: Rebalancer | undefined,
    private readonly options: SimulationOptions,
    private readonly observer: Observer,
    private readonly landing?: LandingTracker,
  ) {
    // the deployed rules' own patterns decide which events reach the rebalancer
    this.patterns = [instanceChangePattern([clusterArn]), serviceSteadyPattern([clusterArn])] as unknown as EventPattern[];
    this.lastSchedule = sim.nowMs;
  }

  async runUntilSteady(stepIndex: number, clusterName: string, observer: Observer): Promise<Omit<StepReport, "name">> {
    const tick = this.options.tickSeconds ?? 5;
    const max = this.options.maxStepSeconds ?? 3600;
    const callsBefore = observer.rebalancerCalls();
    const stoppedBefore = this.stoppedByApi();
    let elapsed = 0;
    let steady = false;
    let settledAt = 0;
    while (elapsed < max) {
      this.sim.advance(tick);
      elapsed += tick;
      this.options.onTick?.({
        sim: this.sim,
        stepIndex,
        elapsedSeconds: elapsed,
        loseInstance: (i) => loseInstance(this.sim, clusterName, i),
      });
      const delivered = await this.deliver();
      if (delivered > 0 || !this.sim.isSteady(clusterName) || (await observer.hasSurge())) continue;
      if (this.options.holdStep?.(stepIndex, elapsed)) continue;
      settledAt = settledAt || elapsed;
      // Quiet now, but in AWS the schedule still comes (after a timed-out run, say): let it run
      // once; the step ends only if it finds nothing to do.
      const writes = observer.rebalancerCalls().write;
      const wait = this.untilSchedule();
      if (wait === undefined || elapsed + wait > max) {
        steady = true;
        break;
      }
      this.sim.advance(wait);
      elapsed += wait;
      await this.deliver();
      if (observer.rebalancerCalls().write === writes && this.sim.isSteady(clusterName)) {
        steady = true;
        break;
      }
      settledAt = 0;
    }
    const callsAfter = observer.rebalancerCalls();
    // counted over the step: a surge's scale-in stops its tasks after the run that lowered the count
    const moves = this.stoppedByApi() - stoppedBefore;
    this.moves += moves;
    return {
      distribution: this.sim.distribution(clusterName),
      // time to the last change, not the idle wait for a schedule that then found nothing to do
      seconds: steady ? settledAt : elapsed,
      steady,
      moves,
      apiCalls: { read: callsAfter.read - callsBefore.read, write: callsAfter.write - callsBefore.write },
    };
  }

  /** Virtual seconds until the scheduled backstop is due, or undefined with no rebalancer or schedule. */
  private untilSchedule(): number | undefined {
    const period = (this.options.scheduleSeconds ?? 900) * 1000;
    if (!this.rebalancer || period <= 0) return undefined;
    return Math.max(0, (this.lastSchedule + period - this.sim.nowMs) / 1000);
  }

  private async deliver(): Promise<number> {
    const events: unknown[] = this.sim.takeEvents().filter((e) => this.patterns.some((p) => matchesPattern(e, p)));
    const period = (this.options.scheduleSeconds ?? 900) * 1000;
    if (period > 0 && this.sim.nowMs - this.lastSchedule >= period) {
      this.lastSchedule = this.sim.nowMs;
      events.push(scheduledEvent(this.sim));
    }
    if (!this.rebalancer) return 0;
    for (const event of events) {
      this.invocations++;
      if (this.landing) this.landing.before(await this.observer.snapshot());
      await this.rebalancer(event);
      if (this.landing) this.landing.after(await this.observer.snapshot());
    }
    return events.length;
  }

  /**
   * Tasks stopped through the API: by StopTask, or by the scale-in that an UpdateService lowering the
   * desired count causes (how a surge ends), both counted by the simulator.
   */
  private stoppedByApi(): number {
    const metrics = this.sim.metrics();
    return metrics.tasksStoppedByStopTask + metrics.tasksStoppedByApiScaleIn;
  }
}

interface Observer {
  snapshot(): Promise<Snapshot>;
  hasSurge(): Promise<boolean>;
  /** API calls made by anyone but this observer. */
  rebalancerCalls(): { read: number; write: number; byOperation: Record<string, number> };
}

/** Reads the simulator in-process, and keeps its own reads out of the rebalancer's API counts. */
function observe(sim: EcsSimulator, clusterName: string): Observer {
  const own: Record<string, number> = {};
  const port = inProcessPort(sim, own);
  return {
    snapshot: async () => (await readSnapshot(port, clusterName)).snapshot,
    hasSurge: async () => {
      const arns = await port.listServices(clusterName);
      for (let i = 0; i < arns.length; i += 10) {
        const { items } = await port.describeServices(clusterName, arns.slice(i, i + 10));
        if (items.some((s) => s.tags?.some((t) => t.key === SURGE_TAG))) return true;
      }
      return false;
    },
    rebalancerCalls: () => {
      const all = sim.apiCalls();
      const byOperation: Record<string, number> = {};
      for (const [operation, count] of Object.entries(all.byOperation)) {
        const theirs = count - (own[operation] ?? 0);
        if (theirs > 0) byOperation[operation] = theirs;
      }
      const isRead = (op: string) => /^(List|Describe)/.test(op);
      const sum = (pick: (op: string) => boolean) =>
        Object.entries(byOperation)
          .filter(([op]) => pick(op))
          .reduce((acc, [, n]) => acc + n, 0);
      return { read: sum(isRead), write: sum((op) => !isRead(op)), byOperation };
    },
  };
}

export function inProcessPort(sim: EcsSimulator, own: Record<string, number>): EcsPort {
  // the observer is not under test: faults never touch its reads
  const call = (operation: string, input: Record<string, unknown>): any => {
    own[operation] = (own[operation] ?? 0) + 1;
    const faults = { ...sim.faults };
    Object.assign(sim.faults, { throttleRate: 0, describeFailureRate: 0, deniedOperations: [], tokenBuckets: false });
    try {
      return sim.call(operation, input);
    } finally {
      Object.assign(sim.faults, faults);
    }
  };
  const list = (operation: string, key: string, input: Record<string, unknown>) => {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = call(operation, { ...input, nextToken, maxResults: 100 });
      arns.push(...page[key]);
      nextToken = page.nextToken;
    } while (nextToken);
    return arns;
  };
  const unsupported = async () => {
    throw new Error("invariant: the observer never writes");
  };
  return {
    listContainerInstances: async (cluster) => list("ListContainerInstances", "containerInstanceArns", { cluster }),
    listServices: async (cluster) => list("ListServices", "serviceArns", { cluster }),
    listTasks: async (cluster) => list("ListTasks", "taskArns", { cluster }),
    describeContainerInstances: async (cluster, arns) =>
      described(call("DescribeContainerInstances", { cluster, containerInstances: arns }), "containerInstances"),
    describeServices: async (cluster, arns) =>
      described(call("DescribeServices", { cluster, services: arns, include: ["TAGS"] }), "services"),
    describeTasks: async (cluster, arns) => described(call("DescribeTasks", { cluster, tasks: arns }), "tasks"),
    describeTaskDefinition: async (taskDefinition) => call("DescribeTaskDefinition", { taskDefinition }).taskDefinition,
    listServiceDeployments: async (cluster, service, status) =>
      call("ListServiceDeployments", { cluster, service, status }).serviceDeployments ?? [],
    updateServiceDesiredCount: unsupported,
    updateServicePlacementConstraints: unsupported,
    stopTask: unsupported,
    tagResource: unsupported,
    untagResource: unsupported,
    updateTaskProtection: unsupported,
  };
}

function described(output: any, key: string) {
  return { items: output[key] ?? [], failures: output.failures ?? [] };
}

function instanceNames(snapshot: Snapshot): Record<string, string> {
  return Object.fromEntries(
    snapshot.containerInstances.map((i) => [
      i.containerInstanceArn!,
      `${i.ec2InstanceId} (${i.attributes?.find((a) => a.name === "ecs.availability-zone")?.value ?? "?"})`,
    ]),
  );
}

function scheduledEvent(sim: EcsSimulator) {
  return {
    version: "0",
    id: `schedule-${sim.nowMs}`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: sim.state.accountId,
    time: sim.now.toISOString(),
    region: sim.state.region,
    resources: [],
    detail: {},
  };
}

function loseInstance(sim: EcsSimulator, clusterName: string, index: number): void {
  const group = sim.autoScalingGroups(clusterName)[0];
  const instances = group.instances();
  if (instances.length > 0) group.loseInstance(instances[index % instances.length]);
}
