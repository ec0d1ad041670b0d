import { archivedRebalancer } from "../cli/archivedRebalancer";
import { flag } from "./cliFlag";
import { runPool, serveJobs } from "./pool";
import { fewestMovesForBandReached } from "./clusterMeasures";
import { movesLimit } from "./stepOracle";
import { markdownTable } from "./markdownTable";
import { runJob } from "./scenarioBench";
import { benchScenario, benchScenarios } from "./scenarios";

/**
 * npm run bench:seeds -- --only name,name [--seeds 1-8] [--workers N] [--json]
 *
 * The same scenarios under other simulator seeds. A bench row is one run, and where ECS breaks a
 * tie at random (which equally empty instance or zone gets a started task) one run is one draw:
 * on 3->6 with 50 services the moves ranged 135-156 over seeds 1-8. The seed here drives only the
 * simulator (placement ties, scale-in picks, ids); the services stay the scenario's. Each seed runs
 * ECS alone (the oracle's start, as in the bench) and then ours, and is judged on the bench's
 * targets: moves within 1.1 x the oracle's minimum for the band reached, plus 1, and each zone
 * within one task where the oracle says that is reachable.
 */
interface SeedJob {
  scenario: string;
  seed: number;
}

export interface SeedResult {
  scenario: string;
  seed: number;
  moves: number;
  /** The oracle's fewest moves to the band ours reached, from ECS alone's end state under this seed. */
  bandMinMoves: number | null;
  /** The step-by-step lower bound (stepOracle.ts); null when unknown. */
  stepsMinMoves: number | null;
  /** Whether the oracle finds one task per zone reachable, and whether ours reached it. */
  bandOneReachable: boolean;
  bandOneReached: boolean;
  /** Per zone, max − min tasks per instance at the end. */
  bandAfter: Record<string, number>;
  balanced: boolean;
  secondsToBalance: number | null;
}

async function worker(job: SeedJob): Promise<SeedResult> {
  const result = await runJob({ ...benchScenario(job.scenario), seed: job.seed }, "ours", () => archivedRebalancer());
  const last = result.report.steps[result.report.steps.length - 1];
  return {
    scenario: job.scenario,
    seed: job.seed,
    moves: result.report.moves,
    bandMinMoves: fewestMovesForBandReached(result.before, result.after) ?? null,
    stepsMinMoves: result.stepsMinMoves ?? null,
    bandOneReachable: fewestMovesForBandReached(result.before, result.after, 1) !== undefined,
    bandOneReached: Object.values(result.after.zoneBands).every((band) => band <= 1),
    bandAfter: result.after.zoneBands,
    balanced: result.report.balanced && result.report.surgesLeft.length === 0 && result.report.constraintsChanged.length === 0,
    secondsToBalance: last.steady ? last.seconds : null,
  };
}

/** "1-8" or "3,5,9": the seeds to run; undefined when it is neither. */
export function parseSeeds(text: string): number[] | undefined {
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) {
    const [low, high] = [Number(range[1]), Number(range[2])];
    return low <= high && high - low < 1000 ? Array.from({ length: high - low + 1 }, (_, i) => low + i) : undefined;
  }
  const list = text.split(",").map((part) => (/^\d+$/.test(part) ? Number(part) : NaN));
  return list.every(Number.isSafeInteger) ? list : undefined;
}

/**
 * The moves target of the bench: within 1.1 x the fewest moves for the band reached, plus 1, the
 * fewest being the larger of the two lower bounds (the end-state oracle's and the step-by-step one).
 */
export function withinMovesTarget(result: Pick<SeedResult, "moves" | "bandMinMoves"> & { stepsMinMoves?: number | null }): boolean {
  const limit = movesLimit(result.bandMinMoves, result.stepsMinMoves);
  return limit !== undefined && result.moves <= limit;
}

export function seedSpreadTable(results: SeedResult[]): string {
  const names = [...new Set(results.map((r) => r.scenario))];
  const spread = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length ? `${sorted[0]} / ${sorted[Math.floor((sorted.length - 1) / 2)]} / ${sorted[sorted.length - 1]}` : "-";
  };
  const rows = names.map((name) => {
    const runs = results.filter((r) => r.scenario === name);
    const reachable = runs.filter((r) => r.bandOneReachable);
    return [
      name,
      String(runs.length),
      spread(runs.map((r) => r.moves)),
      spread(runs.filter((r) => r.bandMinMoves !== null).map((r) => r.bandMinMoves!)),
      spread(runs.filter((r) => typeof r.stepsMinMoves === "number").map((r) => r.stepsMinMoves!)),
      spread(runs.filter((r) => r.bandMinMoves).map((r) => Math.round((100 * r.moves) / r.bandMinMoves!) / 100)),
      `${runs.filter(withinMovesTarget).length} of ${runs.length}`,
      `${reachable.filter((r) => r.bandOneReached).length} of ${reachable.length}`,
      spread(runs.map((r) => Math.max(0, ...Object.values(r.bandAfter)))),
      `${runs.filter((r) => r.balanced).length} of ${runs.length}`,
      spread(runs.filter((r) => r.secondsToBalance !== null).map((r) => r.secondsToBalance!)),
    ];
  });
  return markdownTable(
    [
      "scenario",
      "seeds",
      "moves min / median / max",
      "minMoves(band)",
      "minMoves(steps)",
      "moves ÷ minMoves",
      "moves ≤ 1.1×max+1",
      "band ≤ 1 where reachable",
      "widest zone band after",
      "balanced",
      "secToBalance",
    ],
    rows,
  );
}

async function main(): Promise<void> {
  const known = benchScenarios().map((s) => s.name);
  const only = flag("--only")?.split(",");
  const unknown = only?.filter((name) => !known.includes(name)) ?? [];
  if (!only || unknown.length > 0) {
    console.error(`bench:seeds: --only must name bench scenarios${unknown.length ? ` (unknown: ${unknown.join(", ")})` : ""}`);
    process.exitCode = 2;
    return;
  }
  const seeds = parseSeeds(flag("--seeds") ?? "1-8");
  const workers = Number(flag("--workers") ?? 2);
  if (!seeds || !Number.isInteger(workers) || workers < 1) {
    console.error(`bench:seeds: --seeds takes "1-8" or "3,5,9", --workers a whole number of at least 1`);
    process.exitCode = 2;
    return;
  }
  const results: SeedResult[] = [];
  const errors: string[] = [];
  const started = Date.now();
  await runPool<SeedJob, SeedResult>({
    script: __filename,
    workers,
    jobs: only.flatMap((scenario) => seeds.map((seed) => ({ scenario, seed }))),
    onResult: (job, result) => {
      results.push(result);
      process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${JSON.stringify(result)}\n`);
    },
    onError: (job, message) => errors.push(`${job.scenario} seed ${job.seed}: ${message}`),
  });
  results.sort((a, b) => only.indexOf(a.scenario) - only.indexOf(b.scenario) || a.seed - b.seed);
  if (process.argv.includes("--json")) console.log(JSON.stringify({ results, errors }, null, 2));
  else console.log(seedSpreadTable(results));
  for (const error of errors) console.log(`ERROR ${error}`);
  if (errors.length > 0) process.exitCode = 1;
}

// run as a script, not when a spec imports the table and the target
if (process.argv.includes("--worker")) serveJobs(worker);
else if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
