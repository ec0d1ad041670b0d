import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { archivedRebalancer } from "../cli/archivedRebalancer";
import { Rebalancer, RebalancerFactory, simulate, TickContext } from "../cli/simulation";
import { EcsSimulator, Scenario, ScenarioService, ScenarioStep } from "../simulator";
import { dipsBelowEcsAlone, FloorDip, FloorDips, FloorSample, sampleServices } from "../cli/floorDips";
import { flag } from "./cliFlag";
import { runPool, serveJobs } from "./pool";
import { between, seededRandom, ZONE_THEN_INSTANCE } from "./scenarios";
import { minimumHealthyBase } from "../cli/minimumHealthy";
// used only to forge a copied tag (a fault), never to judge
import { formatSurge } from "../handler/surgeTag";
import { FloorViolation, writeBelowMinimumHealthy } from "./writeFloorCheck";

/**
 * npm run soak [-- --runs N] [-- --workers W] [-- --minutes M] [-- --seeds 9,15]
 *
 * Random small clusters (seeded) through `simulate` with our archived Lambda and faults, each seed
 * in a forked worker process (default: one per core; the Lambda's waits are virtual, so a run is
 * bound by CPU; one simulation per process, since
 * the archived Lambda sets process.env around each invocation). Each seed runs twice: ECS alone
 * (same scenario, same lost instance at the same tick, events reordered) and with ours under all
 * the faults:
 *
 * - throttling: 10% of the rebalancer's API requests answered ThrottlingException (the observer's
 *   in-process reads are never faulted);
 * - events: 20% delivered twice, each batch delivered in shuffled order;
 * - a lost instance: one instance of the Auto Scaling group lost at a random tick (10–60 s) of a
 *   random step, in both runs: each run stays in that step, tick by tick, until the loss has
 *   happened (`holdStep`), even if it is steady sooner. `instanceLost` records it;
 * - timed-out invocations: 10% of invocations are cut after their first K API requests (K seeded,
 *   3–15; throttled requests count). From then on, for the rest of that invocation, the simulator
 *   answers UpdateService, StopTask, TagResource and UntagResource with AccessDeniedException, so
 *   none of its later writes happen — which is what ECS sees of an invocation Lambda froze at its
 *   timeout. The invocation is still awaited before the next event (reserved concurrency 1: no
 *   overlap), its later reads still happen (they change nothing), and the next invocation gets a
 *   fresh cold start (a new copy of the archive loaded), as Lambda resets the environment after a
 *   timeout. Async retries are not modeled: the component sets maximumRetryAttempts 0.
 *
 * - UNHEALTHY tasks: in the loss's step, before the loss, up to half the RUNNING tasks of one
 *   REPLICA service fail their health check (EcsSimulator.failHealthCheck), in both runs at the
 *   same tick; the simulator's scheduler then replaces them as ECS does;
 * - a forged surge tag: at the first tick of our run, one REPLICA service is tagged
 *   `ecs-rebalancer:surge` with a value the rebalancer never wrote (hand-written, a made-up proof,
 *   or copied from another service) claiming a surge down to below its desired count. Only our run: ECS ignores
 *   tags, and the runner would wait out a tag it takes for a surge. The rebalancer must forget it
 *   (a tag left counts as not converged) and never lower the desired count (checked against ECS alone).
 *
 * Time: the Lambda's code reads and waits on the simulator's virtual clock (cli/virtualRuntime.ts),
 * so write pacing, retry backoff, the function's timeout (60 s, the stack's default) and the
 * surge timeout (15 min) all run as deployed; ECS's scheduler runs through the waits. Surges end by
 * SERVICE_STEADY_STATE, the scheduled backstop (every 300 simulated seconds here, 900 as deployed)
 * or their timeout.
 *
 * What is counted per run:
 *
 * - The invariant, at the moment of each write (writeFloorCheck.ts, cli/minimumHealthy.ts): a StopTask
 *   from our rebalancer that ECS accepts (not throttled, not denied by a cut) and that leaves the
 *   service fewer healthy tasks — lastStatus RUNNING and desiredStatus RUNNING, the stopped task and
 *   tasks already stopping excluded — than ceil(minimumHealthyPercent × n / 100), where n is the
 *   surge tag's `from` while a surge holds the desired count at the tag's `to`, else the current
 *   desired count: "stop below minimum healthy". Likewise an accepted UpdateService that lowers the
 *   desired count (a surge completed or rolled back) when ECS's scale-in could, at worst (every task
 *   it stops a RUNNING one), leave fewer RUNNING tasks than the lowered count's floor.
 * - Floor dips over time, secondary (cli/floorDips.ts): at every tick of the event loop (every 5
 *   simulated seconds; the lost-instance tick is sampled right after the loss), each ACTIVE REPLICA
 *   service's healthy count minus its floor at that moment (same n, except that a raised desired
 *   count raises the floor only once that many tasks run). Not sampled: the jumps to the
 *   next scheduled event, taken only while the cluster is steady with nothing to deliver. A dip is a
 *   spell below the floor; it is reported when its deepest margin is below the lowest margin the
 *   same service had under ECS alone (sampled the same way), and marked atInstanceLoss when that
 *   deepest sample is the lost-instance tick. A lost instance dips services whoever balanced them,
 *   so dips are reported, not counted as violations; a write that dips a service is caught above.
 * - Not converged (unbalanced or a surge tag left); a surge never restored (surge tag left, the
 *   desired count at the end differs from ECS alone's, or a service's placement constraints differ
 *   from those it was created with: a pin left, surgePin.ts); a task-definition revision created; "a move
 *   from an instance at or under its target", checked from ECS's side, conservatively, at each
 *   StopTask that ECS accepts (see stopFromUnderTarget).
 */
const STRATEGIES = {
  zoneThenInstance: ZONE_THEN_INSTANCE,
  zoneOnly: [{ type: "spread" as const, field: "attribute:ecs.availability-zone" }],
  instanceOnly: [{ type: "spread" as const, field: "instanceId" }],
  binpack: [{ type: "binpack" as const, field: "memory" }],
};
const BOUNDS = [
  [100, 200],
  [50, 200],
  [100, 150],
];
/** ECS's AZ rebalancing per service: set either way, or left to CreateService's default (ENABLED when compatible). */
const AZ_REBALANCING = ["ENABLED", "DISABLED", undefined] as const;

export function randomScenario(seed: number): Scenario {
  const random = seededRandom(seed);
  const zones = ["us-east-1a", "us-east-1b", "us-east-1c"].slice(0, between(random, 2, 3));
  const services: ScenarioService[] = [];
  for (let i = 0; i < between(random, 1, 5); i++) {
    const kinds = Object.keys(STRATEGIES) as (keyof typeof STRATEGIES)[];
    const [min, max] = BOUNDS[between(random, 0, BOUNDS.length - 1)];
    services.push({
      name: `s${i}`,
      desiredCount: between(random, 1, 8),
      cpu: 64,
      memory: 128,
      placementStrategy: STRATEGIES[kinds[between(random, 0, kinds.length - 1)]],
      deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max },
    });
  }
  // drawn after the services, so that each seed's services and steps stay what they were
  for (const service of services) service.availabilityZoneRebalancing = AZ_REBALANCING[between(random, 0, 2)];
  const steps: ScenarioStep[] = [];
  for (let i = 0; i < between(random, 1, 3); i++) {
    steps.push(
      random() < 0.7
        ? { name: `scale ${i}`, scaleInstances: between(random, 1, 6) }
        : {
            name: `desired ${i}`,
            setDesiredCount: { service: services[between(random, 0, services.length - 1)].name, count: between(random, 1, 8) },
          },
    );
  }
  steps.push({ name: "scale out at the end", scaleInstances: between(random, 2, 6) });
  const instanceCount = between(random, 2, 6);
  // the service scheduler reacts after a delay, sometimes shorter than the time between two calls
  const timing = {
    taskStartSeconds: 10,
    taskStopSeconds: 30,
    instanceBootSeconds: 60,
    schedulerDelaySeconds: [0, 0.5, 2][between(random, 0, 2)],
    apiCallSeconds: [0, 0.1, 1][between(random, 0, 2)],
    azRebalancingDelaySeconds: [30, 60, 120][between(random, 0, 2)],
  };
  return {
    name: `soak-${seed}`,
    seed,
    zones,
    instance: { cpu: 2048, memory: 4096, instanceType: "t3.medium" },
    instanceCount,
    timing,
    services,
    steps,
  };
}

const WRITES = ["UpdateService", "StopTask", "TagResource", "UntagResource", "UpdateTaskProtection"];

/**
 * Every fourth seed, another caller of the account (a deploy pipeline) takes 4.5 of UpdateService's
 * 5 tokens a second, with ECS's buckets on: our writes meet ThrottlingException and must pace and retry.
 */
export function hasUpdateServicePressure(seed: number): boolean {
  return seed % 4 === 0;
}
const OUT = path.join(__dirname, "out", "soak.jsonl");

export interface SoakResult {
  seed: number;
  converged: boolean;
  unbalanced: string[];
  surgesLeft: string[];
  /** Services whose desired count at the end differs from ECS alone's (a surge never lowered). */
  desiredMismatch: string[];
  /** Services whose placement constraints at the end are not those they were created with (a pin left). */
  constraintsChanged: string[];
  /** The simulator's own lowest RUNNING count per service (every simulated second), for context. */
  minRunning: Record<string, number>;
  minRunningEcsAlone: Record<string, number>;
  /** Accepted writes that left a service below its minimum healthy count: the invariant (see the header). */
  writesBelowMinimumHealthy: FloorViolation[];
  /** Per service, the lowest running − floor margin at the samples, and when (see floorDips.ts). */
  lowestMargin: Record<string, FloorSample>;
  lowestMarginEcsAlone: Record<string, FloorSample>;
  /** Spells below the current floor whose depth ECS alone never reached for that service. */
  dipsBelowFloorAndEcsAlone: FloorDip[];
  taskDefinitionsRegistered: number;
  invocations: number;
  cutInvocations: number;
  /** Writes refused because their invocation had been cut. */
  writesRefusedByCut: number;
  /** Stops no balanced layout justifies (see stopFromUnderTarget). */
  underTargetStops: string[];
  /** Per service, the first sample below both its current floor and ECS alone's lowest margin (step index, seconds into the step). */
  firstDip: Record<string, string>;
  /** Our run, just before the loss: per service, RUNNING tasks per ACTIVE instance; `*` marks the instance lost. */
  layoutAtLoss: Record<string, string>;
  faultsOff: string[];
  /** The forged surge tag put on a service of our run, and the tasks made UNHEALTHY (per run). */
  forgedSurgeTag: { service: string; value: string } | undefined;
  unhealthyTasks: { ours: number; ecsAlone: number };
  /** Not converged: each step's steady flag, and the end layout (service → instance → tasks) of the unbalanced services. */
  stepsSteady: boolean[];
  unbalancedLayout: Record<string, Record<string, number>>;
  strategies: Record<string, string>;
  moves: number;
  lostInstance: { step: number; seconds: number; index: number };
  /** Whether each run lost the instance: holdStep keeps the step open until then, so only a step that hit its time limit first would not. */
  instanceLost: { ours: boolean; ecsAlone: boolean };
  /**
   * RUNNING tasks ECS's own AZ rebalancing stopped, in our run and under ECS alone. More in ours
   * means our moves set off rounds of ECS's (doubled moves: a zone change of ours that ECS undid, or
   * the reverse); the same or fewer means we left the zone level to it.
   */
  azRebalancingStops: { ours: number; ecsAlone: number };
  /**
   * Rounds of ECS's AZ rebalancing that our run set off: a round starting on a service whose last
   * change was a write of ours (an accepted StopTask or UpdateService on it), with no step action,
   * instance joining or leaving the cluster, or failed health check since. A doubled move, by the definition: a zone
   * change of ours that ECS then undid. More stops than ECS alone with none of these means the
   * layouts differed when the operator's scale-in or the loss hit them, not that we moved twice.
   */
  doubledMoveRounds: string[];
  /** Another caller used most of the UpdateService bucket in this run (hasUpdateServicePressure). */
  updateServicePressure: boolean;
  wallMs: number;
}

/** What the soak records of our run as the writes arrive (the cut invocations and the write-time checks). */
export interface CutState {
  count: number;
  refused: number;
  sim?: EcsSimulator;
  /** Per service name: simulated ms of our last accepted write to it (doubled moves). */
  lastWriteMs: Map<string, number>;
  /** Simulated ms of the last change that was not ours: a step's action, an instance joining or leaving, failed health checks. */
  lastDisturbanceMs: number;
  /** Rounds of ECS's AZ rebalancing already seen, and those our writes set off. */
  seenRounds: WeakSet<object>;
  doubledMoveRounds: string[];
  disturbedStep?: number;
  activeInstances?: string;
  /** SOAK_TRACE only: ECS's AZ rebalancing stops seen so far. */
  traceAzStops?: number;
  /** The step under way and when it began (simulated ms), to date each write. */
  step: number;
  stepStartMs: number;
  /** StopTask calls ECS accepted for a task on an instance at or under the least target any balanced layout gives it. */
  underTargetStops: string[];
  writesBelowMinimumHealthy: FloorViolation[];
  traceStep?: number;
}

/**
 * A stop that no balanced layout justifies, seen from ECS's side at the moment StopTask arrives:
 * for a spread-only REPLICA service, the RUNNING tasks of the service in the finest spread group of
 * the task's (eligible) instance — the instance for instanceId, else the attribute group — are no
 * more than the LEAST target that group can have in any balanced layout of n tasks, where n is the
 * surge tag's `from` (the desired count before the surge) or else the desired count. Taking the
 * least target at every level makes this conservative: it flags only stops that are wrong under
 * every balanced target, and misses a stop from a group that is exactly at a ceil target.
 */
/**
 * The levels a balanced layout is judged at. Within a zone, ECS places on the instance with the
 * fewest tasks of the service (UpdateService reference), so a service that spreads by zone, or has
 * no strategy, is balanced per instance inside each zone too.
 */
function spreadLevels(fields: string[]): string[] {
  const levels = fields.length ? fields : ["attribute:ecs.availability-zone"];
  const spreadsByInstance = levels.some((f) => f === "instanceId" || f === "host");
  return levels[0] === "attribute:ecs.availability-zone" && !spreadsByInstance ? [...levels, "instanceId"] : levels;
}

export function stopFromUnderTarget(sim: EcsSimulator, input: Record<string, unknown>): string | undefined {
  let cluster;
  try {
    cluster = sim.state.cluster(input.cluster as string | undefined);
  } catch {
    return undefined;
  }
  const task = sim.state.task(cluster, String(input.task ?? ""));
  // an UNHEALTHY task is one ECS itself replaces: stopping it is never a stop the layout does not justify
  if (!task || task.lastStatus !== "RUNNING" || task.healthStatus === "UNHEALTHY" || !task.serviceName) return undefined;
  const service = cluster.services.get(task.serviceName);
  if (!service || service.schedulingStrategy !== "REPLICA" || service.placementConstraints.length > 0) return undefined;
  if (!service.placementStrategy.every((p) => p.type === "spread")) return undefined;
  const fields = spreadLevels(service.placementStrategy.map((p) => p.field!));
  const eligible = [...cluster.instances.values()].filter((i) => i.status === "ACTIVE" && i.agentConnected);
  if (!eligible.includes(task.containerInstance)) return undefined; // stranded tasks must move
  let n = minimumHealthyBase(service.desiredCount, sim.state.tags.get(service.arn) ?? [], {
    arn: service.arn,
    createdAtMs: service.createdAtMs,
  });
  const valueOf = (i: (typeof eligible)[number], field: string) =>
    field === "instanceId" || field === "host" ? i.arn : (i.attributes[field.replace(/^attribute:/, "")] ?? "");
  let group = eligible;
  for (const field of fields) {
    const values = new Set(group.map((i) => valueOf(i, field)));
    n = Math.floor(n / values.size);
    const mine = valueOf(task.containerInstance, field);
    group = group.filter((i) => valueOf(i, field) === mine);
  }
  const running = [...service.tasks].filter(
    (t) => t.lastStatus === "RUNNING" && t.desiredStatus === "RUNNING" && group.includes(t.containerInstance),
  ).length;
  if (running > n) return undefined;
  return `${service.name}: stopped a task from ${task.containerInstance.ec2InstanceId} (${fields.join(" > ")}) whose group held ${running} running, least target ${n}, at ${sim.now.toISOString()}`;
}

/** The service a StopTask or UpdateService acts on (by name), read before ECS applies it. */
function serviceWrittenTo(sim: EcsSimulator, operation: string, input: Record<string, unknown>): string | undefined {
  try {
    const cluster = sim.state.cluster(input.cluster as string | undefined);
    if (operation === "UpdateService")
      return String(input.service ?? "")
        .split("/")
        .pop();
    if (operation === "StopTask") return sim.state.task(cluster, String(input.task ?? ""))?.serviceName;
  } catch {
    return undefined; // an unknown cluster: ECS refuses the call anyway
  }
  return undefined;
}

/** New rounds of ECS's AZ rebalancing this tick; those that follow a write of ours with nothing else since are doubled moves. */
export function watchAzRounds(sim: EcsSimulator, clusterName: string, cut: CutState, stepIndex: number, elapsed: number): void {
  for (const service of sim.state.cluster(clusterName).services.values()) {
    const round = service.azRound;
    if (!round || cut.seenRounds.has(round)) continue;
    cut.seenRounds.add(round);
    const wrote = cut.lastWriteMs.get(service.name);
    if (wrote !== undefined && wrote > cut.lastDisturbanceMs) {
      cut.doubledMoveRounds.push(
        `${service.name} at step ${stepIndex} ${elapsed} s, ${Math.round((sim.nowMs - wrote) / 1000)} s after our write`,
      );
    }
  }
}

/**
 * Cuts some invocations: after the first K API requests of a cut invocation, every write is denied
 * until it returns; then the handler is reloaded from the archive (a cold start).
 */
function withTimeouts(factory: RebalancerFactory, random: () => number, rate: number, cut: CutState): RebalancerFactory {
  return async (context) => {
    let handler: Rebalancer = await factory(context);
    let budget: number | undefined; // requests left before the deadline, while a cut invocation runs
    let patched: EcsSimulator | undefined;
    const patch = (sim: EcsSimulator) => {
      if (patched === sim) return;
      patched = sim;
      const original = sim.call.bind(sim);
      sim.call = (operation: string, input: Record<string, unknown>) => {
        if (budget !== undefined) {
          if (budget <= 0) {
            sim.faults.deniedOperations = WRITES;
            if (WRITES.includes(operation)) cut.refused++;
          } else budget--;
        }
        // judged before the call (after it, the task is already stopping), kept only if ECS accepts it
        const underTarget = operation === "StopTask" ? stopFromUnderTarget(sim, input) : undefined;
        const writtenService = serviceWrittenTo(sim, operation, input);
        const seconds = (sim.nowMs - cut.stepStartMs) / 1000;
        const belowFloor = writeBelowMinimumHealthy(sim, operation, input, { step: cut.step, seconds });
        let output;
        try {
          output = original(operation, input); // throws when refused: throttled, denied by a cut, invalid
        } catch (error) {
          if (TRACE && WRITES.includes(operation)) traceWrite(sim, cut, operation, input, budget, String((error as Error)?.name));
          throw error;
        }
        if (TRACE && WRITES.includes(operation)) traceWrite(sim, cut, operation, input, budget, "ok");
        if (writtenService) cut.lastWriteMs.set(writtenService, sim.nowMs);
        if (underTarget) cut.underTargetStops.push(underTarget);
        if (belowFloor) cut.writesBelowMinimumHealthy.push(belowFloor);
        return output;
      };
    };
    return async (event) => {
      const sim = cut.sim!;
      patch(sim);
      if (TRACE)
        process.stderr.write(
          `TRACE step ${cut.step} t=${((sim.nowMs - cut.stepStartMs) / 1000).toFixed(1)} INVOKE ${(event as any)?.["detail-type"]} ${JSON.stringify((event as any)?.detail?.eventName ?? (event as any)?.detail?.status ?? "")}\n`,
        );
      if (random() >= rate) return handler(event);
      if (TRACE) process.stderr.write(`TRACE   (this invocation is cut)\n`);
      cut.count++;
      budget = between(random, 3, 15);
      try {
        return await handler(event);
      } catch {
        return undefined; // a timed-out invocation's result is an error; nothing retries it
      } finally {
        budget = undefined;
        sim.faults.deniedOperations = [];
        handler = await factory(context);
      }
    };
  };
}

const TRACE = process.env.SOAK_TRACE === "1";
function traceWrite(
  sim: EcsSimulator,
  cut: CutState,
  operation: string,
  input: Record<string, unknown>,
  budget: number | undefined,
  outcome: string,
) {
  const svcs = [...sim.state.clusters.values()].flatMap((c: any) => [...c.services.values()]);
  const state = svcs
    .filter((s: any) => s.status === "ACTIVE")
    .map(
      (s: any) =>
        `${s.name}:d${s.desiredCount}r${[...s.tasks].filter((t: any) => t.lastStatus === "RUNNING").length}${(sim.state.tags.get(s.arn) ?? []).some((t: any) => t.key === "ecs-rebalancer:surge") ? "+tag" : ""}`,
    )
    .join(" ");
  let layout = "";
  if (operation === "UpdateService" || operation === "StopTask") {
    const name = String(input.service ?? "")
      .split("/")
      .pop();
    const cl: any = [...sim.state.clusters.values()][0];
    layout =
      " || " +
      [...cl.instances.values()]
        .filter((i: any) => i.status === "ACTIVE")
        .map(
          (i: any) =>
            `${i.ec2InstanceId.slice(-3)}@${i.attributes["ecs.availability-zone"].slice(-2)}:${[...i.tasks].filter((t: any) => (!name || t.serviceName === name) && t.lastStatus === "RUNNING").length}/${i.tasks.size}`,
        )
        .join(" ");
  }
  const brief = JSON.stringify(input, (k, v) => (typeof v === "string" && v.startsWith("arn:") ? v.split("/").pop() : v));
  process.stderr.write(
    `TRACE step ${cut.step} t=${((sim.nowMs - cut.stepStartMs) / 1000).toFixed(1)} ${operation} ${brief.slice(0, 200)} -> ${outcome}${budget !== undefined ? " [cut inv, budget " + budget + "]" : ""} | ${state}${layout}\n`,
  );
}

/** Per service: its settings, then RUNNING tasks per ACTIVE instance with the instance's zone and total. */
function traceLayout(sim: EcsSimulator | undefined, clusterName: string): string {
  if (!sim) return "";
  const cluster = sim.state.cluster(clusterName);
  const instances = [...cluster.instances.values()].filter((i) => i.status === "ACTIVE");
  return [...cluster.services.values()]
    .filter((s) => s.status === "ACTIVE")
    .map((s: any) => {
      const settings = JSON.stringify({
        desired: s.desiredCount,
        strategy: s.placementStrategy?.map((p: any) => `${p.type}:${p.field ?? ""}`),
        az: s.availabilityZoneRebalancing,
        min: s.deploymentConfiguration?.minimumHealthyPercent,
        max: s.deploymentConfiguration?.maximumPercent,
      });
      const layout = instances
        .map(
          (i: any) =>
            `${i.attributes["ecs.availability-zone"].slice(-2)}:${[...i.tasks].filter((t: any) => t.serviceName === s.name && t.lastStatus === "RUNNING").length}/${i.tasks.size}`,
        )
        .join(" ");
      return `TRACE   ${s.name} ${settings} ${layout}\n`;
    })
    .join("");
}

/** One soak run; `noLose` / `noCut` switch a fault off (used only to attribute a violation, never in the counted soak). */
export interface SoakJob {
  seed: number;
  noLose?: boolean;
  noCut?: boolean;
}

async function soakOne({ seed, noLose, noCut }: SoakJob, ours: RebalancerFactory): Promise<SoakResult> {
  const started = Date.now();
  const scenario = randomScenario(seed);
  const random = seededRandom(seed * 7919);
  const cut: CutState = {
    count: 0,
    refused: 0,
    step: 0,
    stepStartMs: 0,
    underTargetStops: [],
    writesBelowMinimumHealthy: [],
    lastWriteMs: new Map(),
    lastDisturbanceMs: 0,
    seenRounds: new WeakSet(),
    doubledMoveRounds: [],
  };
  const loseAt = { step: between(random, 0, scenario.steps.length - 1), seconds: 5 * between(random, 2, 12), index: between(random, 0, 5) };
  const clusterName = scenario.cluster ?? scenario.name;
  const desiredAtEnd = (sim: EcsSimulator) =>
    Object.fromEntries(
      [...sim.state.cluster(clusterName).services.values()].filter((s) => s.status === "ACTIVE").map((s) => [s.name, s.desiredCount]),
    );
  const isLossTick = (c: TickContext) => !noLose && c.stepIndex === loseAt.step && c.elapsedSeconds === loseAt.seconds;
  // both runs stay in the loss's step, tick by tick, until the loss: every run loses the instance
  const holdStep = (step: number, elapsed: number) => !noLose && step === loseAt.step && elapsed < loseAt.seconds;
  const instanceLost = { ours: false, ecsAlone: false };
  const healthAt = {
    seconds: 5 * between(random, 1, loseAt.seconds / 5),
    service: between(random, 0, scenario.services.length - 1),
    share: random(),
  };
  const isHealthTick = (c: TickContext) => c.stepIndex === loseAt.step && c.elapsedSeconds === healthAt.seconds;
  const unhealthyTasks = { ours: 0, ecsAlone: 0 };
  const forgery = between(random, 0, FORGED_TAGS.length - 1);
  const forgedService = scenario.services[between(random, 0, scenario.services.length - 1)];
  let forgedSurgeTag: SoakResult["forgedSurgeTag"];
  let aloneSim: EcsSimulator | undefined;
  const aloneDips = new FloorDips();
  const alone = await simulate({
    scenario,
    faults: { reorderEvents: true },
    maxStepSeconds: 1800,
    holdStep,
    onTick: (c) => {
      aloneSim = c.sim;
      if (isLossTick(c)) {
        c.loseInstance(loseAt.index);
        instanceLost.ecsAlone = true;
      }
      if (isHealthTick(c))
        unhealthyTasks.ecsAlone = failHealthChecks(c.sim, clusterName, scenario.services[healthAt.service].name, healthAt.share);
      sampleFloors(c, clusterName, aloneDips, isLossTick(c));
    },
  });
  const aloneDesired = desiredAtEnd(aloneSim!);
  const firstDip: Record<string, string> = {};
  const layoutAtLoss: Record<string, string> = {};
  const oursDips = new FloorDips();
  const pressure = hasUpdateServicePressure(seed);
  const report = await simulate({
    scenario,
    rebalancer: withTimeouts(ours, random, noCut ? 0 : 0.1, cut),
    faults: {
      throttleRate: 0.1,
      duplicateEventRate: 0.2,
      reorderEvents: true,
      ...(pressure ? { tokenBuckets: true, foreignUpdateServicePerSecond: 4.5 } : {}),
    },
    scheduleSeconds: 300,
    maxStepSeconds: 1800,
    holdStep,
    onTick: (c) => {
      cut.sim = c.sim;
      cut.step = c.stepIndex;
      cut.stepStartMs = c.sim.nowMs - c.elapsedSeconds * 1000;
      // an instance that joined or left (a scale-out's instances booting, the group replacing the
      // lost one) since the last tick changes the zones' room: ECS's rebalancing answers that
      const instances = [...c.sim.state.cluster(clusterName).instances.values()]
        .filter((i) => i.status === "ACTIVE")
        .map((i) => i.arn)
        .join(" ");
      if (instances !== cut.activeInstances) {
        cut.activeInstances = instances;
        cut.lastDisturbanceMs = c.sim.nowMs;
      }
      // rounds that began since the last tick, judged against what happened before this tick's faults
      watchAzRounds(c.sim, clusterName, cut, c.stepIndex, c.elapsedSeconds);
      if (c.stepIndex !== cut.disturbedStep) {
        cut.disturbedStep = c.stepIndex;
        cut.lastDisturbanceMs = cut.stepStartMs; // the step's action (scale, drain, desired count)
      }
      if (isLossTick(c) || isHealthTick(c)) cut.lastDisturbanceMs = c.sim.nowMs;
      if (TRACE && c.stepIndex !== cut.traceStep) {
        cut.traceStep = c.stepIndex;
        process.stderr.write(`TRACE ==== step ${c.stepIndex} ${JSON.stringify(scenario.steps[c.stepIndex])}\n`);
      }
      if (c.stepIndex === 0 && c.elapsedSeconds === 5) forgedSurgeTag = forgeSurgeTag(c.sim, clusterName, forgedService.name, forgery);
      if (TRACE && c.stepIndex === 0 && c.elapsedSeconds === 5) process.stderr.write(`TRACE forged ${JSON.stringify(forgedSurgeTag)}\n`);
      if (TRACE && isLossTick(c)) process.stderr.write(`TRACE lose instance at step ${c.stepIndex} t=${c.elapsedSeconds}\n`);
      if (TRACE && c.sim.metrics().tasksStoppedByAzRebalancing !== cut.traceAzStops) {
        cut.traceAzStops = c.sim.metrics().tasksStoppedByAzRebalancing;
        process.stderr.write(
          `TRACE ECS AZ rebalancing has stopped ${cut.traceAzStops} at step ${c.stepIndex} t=${c.elapsedSeconds}\n${traceLayout(c.sim, clusterName)}`,
        );
      }
      if (isHealthTick(c))
        unhealthyTasks.ours = failHealthChecks(c.sim, clusterName, scenario.services[healthAt.service].name, healthAt.share);
      if (isLossTick(c)) {
        // the layout the loss hits: per service, RUNNING tasks on each ACTIVE instance, the lost one marked
        const group = c.sim.autoScalingGroups(clusterName)[0].instances();
        const lost = group.length ? group[loseAt.index % group.length] : undefined;
        for (const service of c.sim.state.cluster(clusterName).services.values()) {
          layoutAtLoss[service.name] = [...c.sim.state.cluster(clusterName).instances.values()]
            .filter((i) => i.status === "ACTIVE")
            .map(
              (i) =>
                `${[...i.tasks].filter((t) => t.serviceName === service.name && t.lastStatus === "RUNNING").length}${i.arn === lost ? "*" : ""}`,
            )
            .join(" ");
        }
        c.loseInstance(loseAt.index);
        instanceLost.ours = true;
      }
      for (const [name, sample] of sampleFloors(c, clusterName, oursDips, isLossTick(c))) {
        // when each service first went below both its current floor and ECS alone's lowest margin
        if (firstDip[name] || sample.margin >= 0 || sample.margin >= (aloneDips.lowest[name]?.margin ?? Infinity)) continue;
        firstDip[name] =
          `step ${sample.step} at ${sample.seconds} s: ${sample.running} running, floor ${sample.floor} (n ${sample.n}), desired ${sample.desiredCount}`;
      }
    },
  });
  // read after the run, as aloneDesired is: an onTick read misses the last tick's deliveries
  const oursDesired = desiredAtEnd(cut.sim!);
  if (TRACE)
    process.stderr.write(
      `TRACE end: aloneDesired ${JSON.stringify(aloneDesired)} oursDesired ${JSON.stringify(oursDesired)} steps ${JSON.stringify(report.steps.map((x) => [x.steady, x.seconds]))} surgesLeft ${report.surgesLeft}\n${traceLayout(cut.sim, clusterName)}`,
    );
  return {
    seed,
    converged: report.balanced && report.surgesLeft.length === 0,
    unbalanced: report.unbalanced,
    surgesLeft: report.surgesLeft,
    constraintsChanged: report.constraintsChanged,
    desiredMismatch: Object.keys(aloneDesired).filter((n) => oursDesired[n] !== aloneDesired[n]),
    minRunning: report.minRunning,
    minRunningEcsAlone: alone.minRunning,
    writesBelowMinimumHealthy: cut.writesBelowMinimumHealthy,
    lowestMargin: oursDips.lowest,
    lowestMarginEcsAlone: aloneDips.lowest,
    dipsBelowFloorAndEcsAlone: dipsBelowEcsAlone(oursDips, aloneDips),
    taskDefinitionsRegistered: report.taskDefinitionsRegistered,
    invocations: report.invocations,
    cutInvocations: cut.count,
    writesRefusedByCut: cut.refused,
    underTargetStops: cut.underTargetStops,
    firstDip,
    layoutAtLoss,
    stepsSteady: report.steps.map((st) => st.steady),
    unbalancedLayout: Object.fromEntries(report.unbalanced.map((n) => [n, layoutOf(cut.sim!, clusterName, n)])),
    strategies: Object.fromEntries(scenario.services.map((sv) => [sv.name, JSON.stringify(sv.placementStrategy ?? [])])),
    forgedSurgeTag,
    unhealthyTasks,
    faultsOff: [...(noLose ? ["lost instance"] : []), ...(noCut ? ["timeouts"] : [])],
    moves: report.moves,
    lostInstance: loseAt,
    instanceLost,
    azRebalancingStops: { ours: cut.sim!.metrics().tasksStoppedByAzRebalancing, ecsAlone: aloneSim!.metrics().tasksStoppedByAzRebalancing },
    doubledMoveRounds: cut.doubledMoveRounds,
    updateServicePressure: pressure,
    wallMs: Date.now() - started,
  };
}

/**
 * Surge tags the rebalancer never wrote, each a value ECS's TagResource accepts: hand-written with
 * no proof, with a made-up proof, or copied from another service (a proof valid for that service's
 * ARN). Each claims a surge down from below the current desired count.
 */
const FORGED_TAGS = [
  (desired: number, at: string) => `from=0 to=${desired} at=${at}`,
  (desired: number, at: string) => `from=1 to=${desired} at=${at} proof=0123456789abcdef`,
  (desired: number, at: string, arn: string) =>
    formatSurge(
      { from: Math.max(0, desired - 2), to: desired, startedAt: new Date(at) },
      { serviceArn: `${arn}-copied-from`, createdAt: new Date(0) },
    ),
];

function forgeSurgeTag(sim: EcsSimulator, clusterName: string, serviceName: string, forgery: number): SoakResult["forgedSurgeTag"] {
  const service = sim.state.cluster(clusterName).services.get(serviceName);
  if (!service || service.schedulingStrategy !== "REPLICA") return undefined;
  const value = FORGED_TAGS[forgery](service.desiredCount, sim.now.toISOString(), service.arn);
  sim.tagResource(service.arn, [{ key: "ecs-rebalancer:surge", value }]);
  return { service: serviceName, value };
}

/** Fails the health check of the oldest `share` (up to half) of the service's RUNNING tasks; returns how many. */
function failHealthChecks(sim: EcsSimulator, clusterName: string, serviceName: string, share: number): number {
  const service = sim.state.cluster(clusterName).services.get(serviceName);
  if (!service) return 0;
  const running = [...service.tasks]
    .filter((t) => t.lastStatus === "RUNNING" && t.desiredStatus === "RUNNING")
    .sort((a, b) => a.createdAtMs - b.createdAtMs);
  const count = Math.max(1, Math.floor((running.length / 2) * share));
  const chosen = running.slice(0, Math.min(count, running.length));
  for (const task of chosen) sim.failHealthCheck(clusterName, task.arn);
  return chosen.length;
}

/** Samples every ACTIVE REPLICA service's floor margin at this tick (after the tick's own fault, if any). */
function sampleFloors(c: TickContext, clusterName: string, dips: FloorDips, isInstanceLossTick: boolean): Map<string, FloorSample> {
  return sampleServices(c.sim, clusterName, dips, { step: c.stepIndex, seconds: c.elapsedSeconds, isInstanceLossTick });
}

/** RUNNING tasks of one service per ACTIVE instance, keyed "ec2 id (zone)". */
function layoutOf(sim: EcsSimulator, clusterName: string, service: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const instance of sim.state.cluster(clusterName).instances.values()) {
    if (instance.status !== "ACTIVE") continue;
    out[`${instance.ec2InstanceId} (${instance.attributes["ecs.availability-zone"]}${instance.agentConnected ? "" : ", disconnected"})`] = [
      ...instance.tasks,
    ].filter((t) => t.serviceName === service && t.lastStatus === "RUNNING").length;
  }
  return out;
}

async function main(): Promise<void> {
  const runs = Number(flag("--runs") ?? 200);
  const workers = Number(flag("--workers") ?? os.cpus().length);
  const budgetMs = Number(flag("--minutes") ?? 15) * 60_000;
  const seeds: SoakJob[] = (flag("--seeds")?.split(",").map(Number) ?? Array.from({ length: runs }, (_, i) => i + 1)).map((seed) => ({
    seed,
    noLose: process.argv.includes("--no-lose"),
    noCut: process.argv.includes("--no-cut"),
  }));
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  const runId = new Date().toISOString();
  fs.appendFileSync(OUT, JSON.stringify({ runId, seeds: seeds.length, workers }) + "\n");
  const started = Date.now();
  const results: SoakResult[] = [];
  const errors: string[] = [];
  await runPool<SoakJob, SoakResult>({
    script: __filename,
    workers,
    jobs: seeds,
    reuse: true,
    jobTimeoutMs: 10 * 60_000,
    stop: () => Date.now() - started > budgetMs,
    onResult: ({ seed }, result) => {
      results.push(result);
      fs.appendFileSync(OUT, JSON.stringify({ runId, ...result }) + "\n");
      const bad = violations(result);
      const dipped = dips(result);
      process.stderr.write(
        `[${((Date.now() - started) / 1000).toFixed(0)} s] soak-${seed}: ${result.converged ? "converged" : "NOT converged"}, ${result.wallMs} ms, cuts ${result.cutInvocations}${bad.length ? " VIOLATION " + bad.join("; ") : ""}${dipped.length ? " dip " + dipped.join("; ") : ""}\n`,
      );
    },
    onError: ({ seed }, message) => {
      errors.push(`soak-${seed}: ${message.split("\n")[0]}`);
      fs.appendFileSync(OUT, JSON.stringify({ runId, seed, error: message }) + "\n");
      process.stderr.write(`ERROR soak-${seed}: ${message}\n`);
    },
  });
  results.sort((a, b) => a.seed - b.seed);
  const count = (pick: (r: SoakResult) => boolean) => results.filter(pick).length;
  const sum = (pick: (r: SoakResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const writesBelow = (r: SoakResult, operation: FloorViolation["operation"]) =>
    r.writesBelowMinimumHealthy.filter((w) => w.operation === operation).length;
  const summary = {
    runs: results.length,
    seedsPlanned: seeds.length,
    errors: errors.length,
    converged: count((r) => r.converged),
    stopsBelowMinimumHealthy: sum((r) => writesBelow(r, "StopTask")),
    desiredCountLoweredBelowMinimumHealthy: sum((r) => writesBelow(r, "UpdateService")),
    runsWithWriteBelowMinimumHealthy: count((r) => r.writesBelowMinimumHealthy.length > 0),
    dipsBelowFloorAndEcsAlone: {
      runs: count((r) => r.dipsBelowFloorAndEcsAlone.length > 0),
      dips: sum((r) => r.dipsBelowFloorAndEcsAlone.length),
      atInstanceLoss: sum((r) => r.dipsBelowFloorAndEcsAlone.filter((d) => d.atInstanceLoss).length),
      notAtInstanceLoss: sum((r) => r.dipsBelowFloorAndEcsAlone.filter((d) => !d.atInstanceLoss).length),
    },
    forgedSurgeTags: count((r) => r.forgedSurgeTag !== undefined),
    unhealthyTasks: { ours: sum((r) => r.unhealthyTasks.ours), ecsAlone: sum((r) => r.unhealthyTasks.ecsAlone) },
    instanceLostOnlyInOurRun: count((r) => r.instanceLost.ours && !r.instanceLost.ecsAlone),
    azRebalancingStops: {
      ours: sum((r) => r.azRebalancingStops.ours),
      ecsAlone: sum((r) => r.azRebalancingStops.ecsAlone),
      runsWithMoreThanEcsAlone: count((r) => r.azRebalancingStops.ours > r.azRebalancingStops.ecsAlone),
    },
    doubledMoves: { rounds: sum((r) => r.doubledMoveRounds.length), runs: count((r) => r.doubledMoveRounds.length > 0) },
    updateServicePressureRuns: {
      runs: count((r) => r.updateServicePressure),
      converged: count((r) => r.updateServicePressure && r.converged),
    },
    surgeNotRestored: count((r) => r.surgesLeft.length > 0 || r.desiredMismatch.length > 0 || r.constraintsChanged.length > 0),
    taskDefinitionRegistered: count((r) => r.taskDefinitionsRegistered > 0),
    runsWithUnderTargetStop: count((r) => r.underTargetStops.length > 0),
    cutInvocations: results.reduce((s, r) => s + r.cutInvocations, 0),
    writesRefusedByCut: results.reduce((s, r) => s + r.writesRefusedByCut, 0),
    invocations: results.reduce((s, r) => s + r.invocations, 0),
    moves: results.reduce((s, r) => s + r.moves, 0),
    wallSeconds: Math.round((Date.now() - started) / 1000),
    workers,
    faultsOff: results[0]?.faultsOff ?? [],
  };
  const problems = results
    .filter((r) => !r.converged || violations(r).length > 0 || dips(r).length > 0 || r.doubledMoveRounds.length > 0)
    .map((r) => ({
      seed: r.seed,
      converged: r.converged,
      unbalanced: r.unbalanced,
      violations: violations(r),
      dips: dips(r),
      minRunning: r.minRunning,
      minRunningEcsAlone: r.minRunningEcsAlone,
      lowestMargin: r.lowestMargin,
      lowestMarginEcsAlone: r.lowestMarginEcsAlone,
      lostInstance: r.lostInstance,
      instanceLost: r.instanceLost,
      cutInvocations: r.cutInvocations,
      desiredMismatch: r.desiredMismatch,
      constraintsChanged: r.constraintsChanged,
      surgesLeft: r.surgesLeft,
      firstDip: r.firstDip,
      layoutAtLoss: r.layoutAtLoss,
      faultsOff: r.faultsOff,
      azRebalancingStops: r.azRebalancingStops,
      doubledMoveRounds: r.doubledMoveRounds,
      updateServicePressure: r.updateServicePressure,
    }));
  fs.appendFileSync(OUT, JSON.stringify({ runId, type: "summary", summary, problems, errors }) + "\n");
  console.log(JSON.stringify({ summary, problems, errors }, null, 2));
}

/** Dips below the current floor and below ECS alone: reported, not violations (see the header). */
function dips(r: SoakResult): string[] {
  return r.dipsBelowFloorAndEcsAlone.map(
    ({ service, worst, atInstanceLoss }) =>
      `${service} ${worst.running} running < floor ${worst.floor} (n ${worst.n}, desired ${worst.desiredCount}) at step ${worst.step} ${worst.seconds} s, ` +
      `ECS alone's lowest margin ${r.lowestMarginEcsAlone[service]?.margin ?? "-"}${r.instanceLost.ecsAlone ? "" : " (ECS alone never reached the loss tick)"}, ` +
      (atInstanceLoss ? "at the instance loss" : "not at the instance loss"),
  );
}

function violations(r: SoakResult): string[] {
  const out: string[] = [];
  for (const w of r.writesBelowMinimumHealthy) {
    const what =
      w.operation === "StopTask"
        ? `stop below minimum healthy (task on ${w.instance}${w.stoppedTaskWasHealthy ? "" : ", not healthy"})`
        : "desired count lowered below minimum healthy (worst case)";
    out.push(
      `${w.service} ${what}: ${w.runningAfter} running after < floor ${w.floor} (n ${w.n}, desired ${w.desiredCount}) at step ${w.step} ${w.seconds} s`,
    );
  }
  for (const round of r.doubledMoveRounds) out.push(`doubled move: ECS's AZ rebalancing round on ${round}`);
  if (r.surgesLeft.length) out.push(`surge tag left on ${r.surgesLeft.join(",")}`);
  if (r.desiredMismatch.length) out.push(`desired count differs from ECS alone on ${r.desiredMismatch.join(",")}`);
  if (r.constraintsChanged.length) out.push(`placement constraints not restored on ${r.constraintsChanged.join(",")}`);
  if (r.taskDefinitionsRegistered > 0) out.push(`${r.taskDefinitionsRegistered} task-definition revisions`);
  for (const stop of r.underTargetStops) out.push(`under-target stop: ${stop}`);
  return out;
}

if (require.main !== module) {
  // imported (e.g. by a check script): run nothing
} else if (process.argv.includes("--worker")) {
  const ours = archivedRebalancer();
  serveJobs((job: SoakJob) => ours.then((factory) => soakOne(job, factory)));
} else
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
