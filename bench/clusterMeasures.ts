import { EcsSimulator } from "../simulator";
import { fewestMovesToBand, LoadZone } from "./loadOracle";
import { minimumMoves, OracleInstance } from "./oracle";

/**
 * What the bench reads from the simulator's own model (not through our snapshot code): the fewest
 * moves the oracle allows, and the skew left at the end.
 */
export interface ClusterMeasures {
  services: number;
  tasks: number;
  instances: number;
  optimalMoves: number;
  /** Max over spread-by-instance services of (max − min tasks per eligible instance within its zone groups). */
  maxSkew: number;
  /** Max − min of all tasks per eligible (ACTIVE, connected) instance. */
  totalSkew: number;
  /** Eligible instances running no task of a REPLICA service (a DAEMON's task on every instance is not work placed there). */
  idleInstances: number;
  /** Per zone, max − min of the RUNNING tasks per eligible instance: the load band reached. */
  zoneBands: Record<string, number>;
  /** Per zone, the instances (ARNs), their fixed tasks and each movable service's tasks per instance (for loadOracle). */
  loadZones: Record<string, { instances: string[]; fixed: number[]; services: Record<string, number[]> }>;
  /**
   * The fewest ListServiceDeployments calls the engine must make to balance: one per wave that
   * writes to a service, so one per service that needs a move by stopping, two (start and finish)
   * per service that needs a surge.
   */
  deploymentChecks: number;
}

export function measureCluster(sim: EcsSimulator, clusterName: string): ClusterMeasures {
  const cluster = sim.state.cluster(clusterName);
  const eligibleRecords = [...cluster.instances.values()].filter((i) => i.status === "ACTIVE" && i.agentConnected);
  const eligible: OracleInstance[] = eligibleRecords.map((i) => ({ arn: i.arn, attributes: i.attributes }));
  let tasks = 0;
  let optimalMoves = 0;
  let maxSkew = 0;
  let deploymentChecks = 0;
  const services = [...cluster.services.values()].filter((s) => s.status === "ACTIVE");
  for (const service of services) {
    const perInstance: Record<string, number> = {};
    for (const task of service.tasks) {
      if (task.lastStatus !== "RUNNING") continue;
      tasks++;
      perInstance[task.containerInstance.arn] = (perInstance[task.containerInstance.arn] ?? 0) + 1;
    }
    if (!isSpreadOnly(service.schedulingStrategy, service.placementStrategy, service.placementConstraints.length)) continue;
    const fields = spreadFields(service.placementStrategy);
    const moves = minimumMoves(eligible, { spreadFields: fields, tasksPerInstance: perInstance });
    optimalMoves += moves;
    if (moves > 0)
      deploymentChecks += canStopFirst(service.desiredCount, service.deploymentConfiguration.minimumHealthyPercent ?? 100) ? 1 : 2;
    if (fields.includes("instanceId"))
      maxSkew = Math.max(maxSkew, skewWithinGroups(eligible, fields.slice(0, fields.indexOf("instanceId")), perInstance));
  }
  const totals = eligibleRecords.map((i) => [...i.tasks].filter((t) => t.lastStatus === "RUNNING").length);
  const replica = new Set(services.filter((s) => s.schedulingStrategy === "REPLICA").map((s) => s.name));
  const idleInstances = eligibleRecords.filter(
    (i) => ![...i.tasks].some((t) => t.lastStatus === "RUNNING" && replica.has(t.serviceName ?? "")),
  ).length;
  const loadZones = zonesForLoad(eligibleRecords, services);
  return {
    services: services.length,
    tasks,
    instances: eligible.length,
    optimalMoves,
    maxSkew,
    deploymentChecks,
    totalSkew: totals.length ? Math.max(...totals) - Math.min(...totals) : 0,
    idleInstances,
    zoneBands: Object.fromEntries(Object.entries(loadZones).map(([zone, z]) => [zone, spreadOf(instanceTotals(z))])),
    loadZones,
  };
}

type SimRecord = ReturnType<EcsSimulator["state"]["cluster"]>;
type SimInstance = SimRecord["instances"] extends Map<string, infer I> ? I : never;
type SimService = SimRecord["services"] extends Map<string, infer S> ? S : never;

/** Services the load pass may move: REPLICA, spread only, zone first (or no strategy), no constraints (no bench service is tagged ignore). */
function isMovable(service: SimService): boolean {
  const strategies = service.placementStrategy;
  const zoneFirst = strategies.length === 0 || strategies[0].field === "attribute:ecs.availability-zone";
  return isSpreadOnly(service.schedulingStrategy, strategies, service.placementConstraints.length) && zoneFirst;
}

function zonesForLoad(instances: SimInstance[], services: SimService[]): ClusterMeasures["loadZones"] {
  const zones: ClusterMeasures["loadZones"] = {};
  const members = new Map<string, SimInstance[]>();
  for (const instance of instances) {
    const zone = instance.attributes["ecs.availability-zone"] ?? "";
    members.set(zone, [...(members.get(zone) ?? []), instance]);
  }
  for (const [zone, list] of [...members].sort()) {
    const running = (i: SimInstance, service?: SimService) =>
      [...i.tasks].filter((t) => t.lastStatus === "RUNNING" && (!service || t.serviceName === service.name)).length;
    const movable = services.filter(isMovable);
    const movableTasks = list.map((i) => movable.reduce((sum, s) => sum + running(i, s), 0));
    zones[zone] = {
      instances: list.map((i) => i.arn),
      fixed: list.map((i, n) => running(i) - movableTasks[n]),
      services: Object.fromEntries(movable.map((s) => [s.name, list.map((i) => running(i, s))])),
    };
  }
  return zones;
}

function instanceTotals(zone: { fixed: number[]; services: Record<string, number[]> }): number[] {
  return zone.fixed.map((f, i) => f + Object.values(zone.services).reduce((sum, counts) => sum + counts[i], 0));
}

function spreadOf(values: number[]): number {
  return values.length ? Math.max(...values) - Math.min(...values) : 0;
}

/**
 * The fewest moves from `before` to the band each zone reached `after` (or to `width` in every
 * zone), with each movable service ending with the task counts per zone it has `after`
 * (loadOracle.ts): the bench's load minimum; undefined when some zone cannot reach it.
 */
export function fewestMovesForBandReached(before: ClusterMeasures, after: ClusterMeasures, width?: number): number | undefined {
  let total = 0;
  for (const [zone, start] of Object.entries(before.loadZones)) {
    const end = after.loadZones[zone];
    if (!end) return undefined;
    const services = Object.entries(start.services).map(([name, counts]) => ({
      counts,
      target: (end.services[name] ?? []).reduce((a, b) => a + b, 0),
    }));
    // tasks of a service that leave a zone count where they leave; arriving ones are counted by the target
    const moves = fewestMovesToBand({ fixed: start.fixed, services } as LoadZone, width ?? after.zoneBands[zone]);
    if (moves === undefined) return undefined;
    total += moves;
  }
  return total;
}

function canStopFirst(desired: number, minimumHealthyPercent: number): boolean {
  return desired - Math.ceil((desired * minimumHealthyPercent) / 100) >= 1;
}

function isSpreadOnly(scheduling: string, strategies: { type?: string }[], constraints: number): boolean {
  return scheduling === "REPLICA" && constraints === 0 && strategies.every((s) => s.type === "spread");
}

/** No strategy means ECS spreads by zone only. */
function spreadFields(strategies: { field?: string }[]): string[] {
  return strategies.length ? strategies.map((s) => s.field!) : ["attribute:ecs.availability-zone"];
}

function skewWithinGroups(eligible: OracleInstance[], groupFields: string[], perInstance: Record<string, number>): number {
  const groups = new Map<string, number[]>();
  for (const instance of eligible) {
    const key = groupFields.map((f) => instance.attributes[f.replace(/^attribute:/, "")] ?? "").join("|");
    groups.set(key, [...(groups.get(key) ?? []), perInstance[instance.arn] ?? 0]);
  }
  return Math.max(0, ...[...groups.values()].map((counts) => Math.max(...counts) - Math.min(...counts)));
}
