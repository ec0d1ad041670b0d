import { planMoves } from "../handler/planner";
import { snapshotProblem } from "../handler/snapshotValidation";
import { buildSnapshot, InstanceSpec, ServiceSpec } from "../tests/handler/fixtures";
import { seededRandom } from "./scenarios";

/**
 * How the planner scales: a generated snapshot of 1,000 instances in three zones, 2,000
 * zone-then-instance spread services and 100,000 tasks placed at random (so most services need
 * moves). Compared with JSON.parse of the same snapshot's text, the floor of any work on it.
 * `planMs` includes the validation of every field the engine reads (done where a snapshot is read),
 * and the planner's own dedupe by ARN; `validateMs` is the validation alone.
 *
 * The first run of each is a warm-up, reported apart (`coldPlanMs`, `coldParseMs`): it pays for
 * compiling the engine's code, about 2 × a warm plan here, which says nothing about how planning
 * scales. The medians are of the runs after it, parse and plan interleaved so that a busy moment of
 * this shared machine falls on both.
 */
export interface PlanScale {
  tasks: number;
  instances: number;
  services: number;
  planMs: number;
  validateMs: number;
  parseMs: number;
  /** The warm-up runs, not in the medians. */
  coldPlanMs: number;
  coldParseMs: number;
  plannedMoves: number;
}

export function measurePlanScale(repetitions = 5): PlanScale {
  const random = seededRandom(2024);
  const zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
  const instances: InstanceSpec[] = Array.from({ length: 1000 }, (_, i) => ({ zone: zones[i % 3], cpu: 65536, memory: 262144, tasks: {} }));
  const services: ServiceSpec[] = [];
  for (let s = 0; s < 2000; s++) {
    const name = `svc-${s}`;
    services.push({
      name,
      cpu: 16,
      memory: 16,
      strategy: [
        { type: "spread", field: "attribute:ecs.availability-zone" },
        { type: "spread", field: "instanceId" },
      ],
    });
    for (let t = 0; t < 50; t++) {
      const spec = instances[Math.floor(random() * instances.length)];
      spec.tasks![name] = (spec.tasks![name] ?? 0) + 1;
    }
  }
  const snapshot = buildSnapshot(instances, services);
  const text = JSON.stringify(snapshot);
  const parseTimes: number[] = [];
  const planTimes: number[] = [];
  const validateTimes: number[] = [];
  let plannedMoves = 0;
  for (let i = 0; i <= repetitions; i++) {
    let t = process.hrtime.bigint();
    JSON.parse(text);
    parseTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    const problem = snapshotProblem(snapshot);
    if (problem) throw new Error(`plan scale: the generated snapshot is invalid: ${problem}`);
    const validated = process.hrtime.bigint();
    plannedMoves = planMoves(snapshot, { now: new Date(), surgeTimeoutSeconds: 900 }).moves.length;
    validateTimes.push(Number(validated - t) / 1e6);
    planTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  // the first of each is the warm-up
  const [[coldPlanMs, ...plans], [coldParseMs, ...parses]] = [planTimes, parseTimes];
  return {
    tasks: snapshot.tasks.length,
    instances: instances.length,
    services: services.length,
    planMs: median(plans),
    validateMs: median(validateTimes.slice(1)),
    parseMs: median(parses),
    coldPlanMs,
    coldParseMs,
    plannedMoves,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
