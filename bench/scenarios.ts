import * as path from "path";
import { readScenarioFile, Scenario, ScenarioService } from "../simulator";

/**
 * The bench scenarios, generated in code from a seed so that every run measures the same clusters.
 * Capacity is ample except in the tight cluster, so that what is measured is the rebalancing.
 */
export const ZONE_THEN_INSTANCE = [
  { type: "spread" as const, field: "attribute:ecs.availability-zone" },
  { type: "spread" as const, field: "instanceId" },
];

/** Mulberry32: small, seeded, good enough to pick desired counts. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const between = (random: () => number, low: number, high: number) => low + Math.floor(random() * (high - low + 1));

export function walkthrough(): Scenario {
  return readScenarioFile(path.join(__dirname, "..", "scenarios", "seed-walkthrough.json")) as Scenario;
}

/**
 * `from` instances in two zones, `services` zone-then-instance spread services of 2–8 tasks, then a
 * scale-out to `to`. Services keep minimumHealthyPercent 100 (every move is a surge whose extra task
 * ECS places) unless `minimumHealthyPercent` says otherwise; the desired counts depend on the seed only.
 */
export function scaleOut(from: number, to: number, services: number, seed: number, minimumHealthyPercent = 100): Scenario {
  const random = seededRandom(seed);
  const list: ScenarioService[] = [];
  for (let i = 0; i < services; i++) {
    list.push({
      name: `svc-${String(i).padStart(3, "0")}`,
      desiredCount: between(random, 2, 8),
      cpu: 1,
      memory: 4,
      placementStrategy: ZONE_THEN_INSTANCE,
      deploymentConfiguration: { minimumHealthyPercent, maximumPercent: 200 },
    });
  }
  return {
    name: `scale-out-${from}to${to}-${services}svc${minimumHealthyPercent === 100 ? "" : `-minhealthy${minimumHealthyPercent}`}`,
    seed,
    zones: ["us-east-1a", "us-east-1b"],
    instance: { cpu: 16384, memory: 65536, instanceType: "m5.4xlarge" },
    instanceCount: from,
    timing: { taskStartSeconds: 10, taskStopSeconds: 30, instanceBootSeconds: 60 },
    services: list,
    steps: [{ name: `scale out to ${to} instances`, scaleInstances: to }],
  };
}

/** Binpack, zone-only spread, zone-then-instance spread and a daemon on one cluster, then a scale-out. */
export function mixed(seed: number): Scenario {
  return {
    name: "mixed-binpack-spread-daemon",
    seed,
    zones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    instance: { cpu: 4096, memory: 8192, instanceType: "m5.xlarge" },
    instanceCount: 3,
    timing: { taskStartSeconds: 10, taskStopSeconds: 30, instanceBootSeconds: 60 },
    services: [
      { name: "log-agent", schedulingStrategy: "DAEMON", cpu: 64, memory: 64 },
      { name: "batch", desiredCount: 6, cpu: 256, memory: 512, placementStrategy: [{ type: "binpack", field: "memory" }] },
      { name: "api", desiredCount: 7, cpu: 128, memory: 256 },
      { name: "web", desiredCount: 9, cpu: 128, memory: 256, placementStrategy: ZONE_THEN_INSTANCE },
      {
        name: "worker",
        desiredCount: 5,
        cpu: 128,
        memory: 256,
        placementStrategy: ZONE_THEN_INSTANCE,
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
      },
    ],
    steps: [{ name: "scale out to 6 instances", scaleInstances: 6 }],
  };
}

/**
 * Instances nearly full: 4 instances of 1024 CPU units, 7 services of 3 tasks of 128 units take
 * 2688 of 4096; after the scale-in to 3 the survivors hold 2688 of 3072 (87%), and the scale-out adds one.
 */
export function tight(seed: number): Scenario {
  const services: ScenarioService[] = [];
  for (let i = 0; i < 7; i++) {
    services.push({ name: `tight-${i}`, desiredCount: 3, cpu: 128, memory: 128, placementStrategy: ZONE_THEN_INSTANCE });
  }
  return {
    name: "tight-headroom",
    seed,
    zones: ["us-east-1a", "us-east-1b"],
    instance: { cpu: 1024, memory: 2048, instanceType: "t3.small" },
    instanceCount: 4,
    timing: { taskStartSeconds: 10, taskStopSeconds: 30, instanceBootSeconds: 60 },
    services,
    steps: [
      { name: "scale in to 3 instances", scaleInstances: 3 },
      { name: "scale out to 4 instances", scaleInstances: 4 },
    ],
  };
}

/**
 * Many small services (2–4 tasks, zone-only or zone-then-instance spread, mixed task sizes) with a
 * DAEMON and a binpack service among them, scaled in and back out: every service ends balanced on
 * its own under ECS alone, and only a cluster load pass puts work on the new instances.
 */
export function smallServices(services: number, zones: number, from: number, low: number, seed: number): Scenario {
  const random = seededRandom(seed);
  const list: ScenarioService[] = [
    { name: "log-agent", schedulingStrategy: "DAEMON", cpu: 64, memory: 64 },
    { name: "batch", desiredCount: 6, cpu: 512, memory: 1024, placementStrategy: [{ type: "binpack", field: "memory" }] },
  ];
  const sizes = [
    [64, 128],
    [128, 256],
    [256, 512],
    [512, 1024],
  ];
  for (let i = 0; i < services; i++) {
    const [cpu, memory] = sizes[between(random, 0, sizes.length - 1)];
    list.push({
      name: `small-${String(i).padStart(3, "0")}`,
      desiredCount: between(random, 2, 4),
      cpu,
      memory,
      placementStrategy: random() < 0.5 ? ZONE_THEN_INSTANCE : [{ type: "spread", field: "attribute:ecs.availability-zone" }],
    });
  }
  return {
    name: `small-services-${from}to${low}to${from}-${zones}az-${services}svc`,
    seed,
    zones: ["us-east-1a", "us-east-1b", "us-east-1c"].slice(0, zones),
    instance: { cpu: 65536, memory: 262144, instanceType: "m5.16xlarge" },
    instanceCount: from,
    timing: { taskStartSeconds: 10, taskStopSeconds: 30, instanceBootSeconds: 60 },
    services: list,
    steps: [
      { name: `scale in to ${low} instances`, scaleInstances: low },
      { name: `scale out to ${from} instances`, scaleInstances: from },
    ],
  };
}

export function manySmallServicesDemo(): Scenario {
  return readScenarioFile(path.join(__dirname, "..", "scenarios", "many-small-services.json")) as Scenario;
}

/**
 * The scenario with every REPLICA service's `availabilityZoneRebalancing` set: ENABLED is what a
 * service created since 2025 gets by default, DISABLED what an older one has (the bench's base).
 */
export function withAzRebalancing(scenario: Scenario, value: "ENABLED" | "DISABLED"): Scenario {
  return {
    ...scenario,
    services: scenario.services.map((s) => (s.schedulingStrategy === "DAEMON" ? s : { ...s, availabilityZoneRebalancing: value })),
  };
}

/** The bench scenario of that name (a worker's job names one); throws on a name the bench does not have. */
export function benchScenario(name: string): Scenario {
  const scenario = benchScenarios().find((s) => s.name === name);
  if (!scenario) throw new Error(`no bench scenario named ${name}`);
  return scenario;
}

/** Every bench scenario, its services DISABLED (as before ECS's AZ rebalancing); jobs may switch it on. */
export function benchScenarios(): Scenario[] {
  return baseScenarios().map((s) => withAzRebalancing(s, "DISABLED"));
}

function baseScenarios(): Scenario[] {
  const list = [walkthrough()];
  for (const [from, to] of [
    [2, 4],
    [3, 6],
  ])
    for (const n of [10, 50, 200]) list.push(scaleOut(from, to, n, 1000 + from * 100 + n));
  // the same cluster as scale-out-3to6-50svc, with moves that stop first: ECS then places each
  // replacement in the zone the stop left short, so no surge task can land in the other tied zone
  list.push(scaleOut(3, 6, 50, 1000 + 3 * 100 + 50, 50));
  list.push(mixed(7), tight(11));
  list.push(manySmallServicesDemo(), smallServices(40, 2, 4, 2, 41), smallServices(120, 3, 6, 3, 43), smallServices(200, 2, 6, 3, 47));
  return list;
}
