import * as fs from "fs";
import * as path from "path";
import { archivedRebalancer } from "../cli/archivedRebalancer";
import { measureArchive } from "./archiveSize";
import { flag } from "./cliFlag";
import { markdownTable } from "./markdownTable";
import { measurePlanScale } from "./planScale";
import { runPool, serveJobs } from "./pool";
import {
  BASELINE_MAX_INVOCATIONS,
  BASELINE_STEP_SECONDS,
  BenchJob,
  JobResult,
  mergeScenario,
  RebalancerKind,
  runJob,
  ScenarioResult,
} from "./scenarioBench";
import { benchScenario, benchScenarios } from "./scenarios";
import { movesLimit } from "./stepOracle";

/**
 * npm run bench [-- --json] [-- --workers N] [-- --only name,name] [-- --no-plan-scale]
 * npm run bench -- --tables out.json   (the tables of a saved `--json` run)
 *
 * Every (scenario, rebalancer) pair runs in a forked worker process (2 at a time by default); each
 * finished job is printed to stderr and appended to bench/out/results.jsonl at once, so a long run
 * is never lost. Then the archive is measured, and plan scale last, alone on the machine.
 */
const KINDS: RebalancerKind[] = ["ours", "reference", "forceNewDeployment", "ecsAzRebalancing", "oursAzEnabled"];
const OUT_DIR = path.join(__dirname, "out");
const RESULTS = path.join(OUT_DIR, "results.jsonl");

async function worker(job: BenchJob): Promise<JobResult> {
  return runJob(benchScenario(job.scenario), job.kind, () => archivedRebalancer());
}

async function main(): Promise<void> {
  const saved = flag("--tables");
  if (saved) {
    // the Markdown tables of an earlier `--json` run, without running anything
    let output: Output;
    try {
      output = JSON.parse(fs.readFileSync(saved, "utf8")) as Output;
      if (!Array.isArray(output.scenarios)) throw new Error("it has no scenarios");
    } catch (error) {
      console.error(`bench: --tables ${saved}: not the JSON that \`npm run bench -- --json\` prints (${(error as Error).message})`);
      process.exitCode = 2;
      return;
    }
    printTables(output);
    return;
  }
  const json = process.argv.includes("--json");
  const workers = Number(flag("--workers") ?? 2);
  const only = flag("--only")?.split(",");
  const names = benchScenarios()
    .map((s) => s.name)
    .filter((n) => !only || only.includes(n));
  // the longest jobs first (ours on the 200-service scale-outs), so that the two workers finish together
  const cost = (job: BenchJob) =>
    (/200svc/.test(job.scenario) ? 100 : /(50|120)svc/.test(job.scenario) ? 10 : 1) *
    (job.kind.startsWith("ours") ? 3 : job.kind === "forceNewDeployment" ? 2 : 1);
  const jobs: BenchJob[] = names.flatMap((scenario) => KINDS.map((kind) => ({ scenario, kind }))).sort((a, b) => cost(b) - cost(a));
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const runId = new Date().toISOString();
  fs.appendFileSync(RESULTS, JSON.stringify({ runId, started: runId, jobs: jobs.length, workers }) + "\n");
  const done = new Map<string, Partial<Record<RebalancerKind, JobResult>>>();
  const scenarios: ScenarioResult[] = [];
  const errors: string[] = [];
  const started = Date.now();
  await runPool<BenchJob, JobResult>({
    script: __filename,
    workers,
    jobs,
    onResult: (job, result) => {
      fs.appendFileSync(RESULTS, JSON.stringify({ runId, type: "job", ...result }) + "\n");
      process.stderr.write(
        `[${((Date.now() - started) / 1000).toFixed(0)} s] ${job.scenario} / ${job.kind}: ${result.wallMs} ms, moves ${result.report.moves}, invocations ${result.report.invocations}, restarts ${result.tasksStarted - result.tasksStartedAlone}${result.capped ? " (capped: " + result.cappedBy.join("; ") + ")" : ""}\n`,
      );
      const entry = done.get(job.scenario) ?? {};
      entry[job.kind] = result;
      done.set(job.scenario, entry);
      if (KINDS.every((k) => entry[k])) {
        const row = mergeScenario(entry as Record<RebalancerKind, JobResult>);
        scenarios.push(row);
        fs.appendFileSync(RESULTS, JSON.stringify({ runId, type: "scenario", ...row }) + "\n");
        process.stderr.write(`ROW ${JSON.stringify(row)}\n`);
      }
    },
    onError: (job, message) => {
      errors.push(`${job.scenario} / ${job.kind}: ${message}`);
      fs.appendFileSync(RESULTS, JSON.stringify({ runId, type: "error", ...job, message }) + "\n");
      process.stderr.write(`ERROR ${job.scenario} / ${job.kind}: ${message}\n`);
    },
  });
  const scenarioWallSeconds = (Date.now() - started) / 1000;
  scenarios.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
  const archive = await measureArchive();
  process.stderr.write(`archive: ${JSON.stringify(archive)}\n`);
  // last, with the machine to itself: the planner is being optimized, so this is the number that moves
  const planScale = process.argv.includes("--no-plan-scale") ? [] : [measurePlanScale()];
  if (planScale.length) process.stderr.write(`planScale: ${JSON.stringify(planScale[0])}\n`);
  const output = { scenarios, planScale, ...archive, errors, scenarioWallSeconds, totalWallSeconds: (Date.now() - started) / 1000 };
  fs.appendFileSync(RESULTS, JSON.stringify({ runId, type: "final", ...output }) + "\n");
  if (json) console.log(JSON.stringify(output, null, 2));
  else printTables(output);
}

type Output = {
  scenarios: ScenarioResult[];
  planScale: ReturnType<typeof measurePlanScale>[];
  errors: string[];
  scenarioWallSeconds: number;
  totalWallSeconds: number;
} & Awaited<ReturnType<typeof measureArchive>>;

function printTables(output: Output): void {
  const header = [
    "scenario",
    "svc",
    "tasks",
    "inst",
    "moves",
    "optimal",
    "seedRestarts",
    "forceRestarts",
    "maxSkew",
    "totalSkew",
    "minHealthy",
    "balanced",
    "reads/run",
    "bound",
    "1.1×bound+2",
    "writes",
    "runs",
    "secToBalance",
    "bandBefore",
    "bandAfter",
    "minMoves(band)",
    "minMoves(band 1)",
    "minMoves(steps)",
    "moves ≤ 1.1×max+1",
    "idle inst",
    "landed",
  ];
  const bands = (b: Record<string, number>) =>
    Object.entries(b)
      .map(([zone, n]) => `${zone.slice(-1)}:${n}`)
      .join(" ");
  const floor = (n: number, isFloor: boolean) => (isFloor ? `≥ ${n}` : String(n));
  const rows = output.scenarios.map((r) =>
    [
      r.name,
      r.services,
      r.tasks,
      r.instances,
      r.moves,
      r.optimalMoves,
      floor(r.baselineSeedRestarts, r.baselineSeedRestartsIsFloor),
      floor(r.baselineForceDeployRestarts, r.baselineForceDeployRestartsIsFloor),
      r.finalMaxSkew,
      r.finalTotalSkew,
      r.minHealthyHeld ? "held" : `NO (${r.belowFloor.join(", ")}; ECS alone: ${r.belowFloorEcsAlone.join(", ") || "held"})`,
      r.balanced ? "yes" : "NO",
      r.apiReadsPerRun.toFixed(1),
      r.apiReadsLowerBound.toFixed(1),
      (1.1 * r.apiReadsLowerBound + 2).toFixed(1),
      r.apiWrites,
      r.invocations,
      r.simulatedSecondsToBalance ?? "not steady",
      bands(r.zoneBandsBefore),
      bands(r.zoneBandsAfter),
      r.bandMinMoves ?? "none",
      r.bandOneMinMoves ?? "unreachable",
      // rows saved before the column existed have no step bound
      r.stepsMinMoves ?? "-",
      movesTarget(r),
      // rows saved before the column existed have no count
      r.idleInstancesBefore === undefined ? "-" : `${r.idleInstancesBefore} → ${r.idleInstancesAfter}`,
      r.loadMovesPlanned
        ? `${r.loadMovesLanded}/${r.loadMovesPlanned}${r.loadMovesOnAcceptedTie ? ` (+${r.loadMovesOnAcceptedTie} tie)` : ""}${
            r.loadFillers ? `, fillers ${r.loadFillersGivenBack}/${r.loadFillers} given back` : ""
          }`
        : "-",
    ].map(String),
  );
  console.log(markdownTable(header, rows));
  console.log(
    `\n(≥: the baseline was cut off before it settled, at ${BASELINE_STEP_SECONDS} simulated seconds per step or after ${BASELINE_MAX_INVOCATIONS} invocations; its count is a floor)\n`,
  );
  console.log(
    "With every service's availabilityZoneRebalancing ENABLED: ECS alone (what a 2026 service gets for free) beside ours (moves: ours + ECS's).\n",
  );
  const az = (c: ScenarioResult["ecsAz"]) => [
    `${c.ourMoves} + ${c.ecsMoves}`,
    c.maxSkew,
    c.totalSkew,
    c.balanced ? "yes" : "NO",
    c.secondsToBalance ?? "not steady",
    c.writes,
  ];
  console.log(
    markdownTable(
      [
        "scenario",
        "ours DISABLED: moves",
        "maxSkew",
        "secToBalance",
        "ECS alone ENABLED: moves (ours + ECS)",
        "maxSkew",
        "totalSkew",
        "balanced",
        "secToBalance",
        "writes",
        "ours ENABLED: moves (ours + ECS)",
        "maxSkew",
        "totalSkew",
        "balanced",
        "secToBalance",
        "writes",
      ],
      output.scenarios.map((r) =>
        [r.name, r.moves, r.finalMaxSkew, r.simulatedSecondsToBalance ?? "not steady", ...az(r.ecsAz), ...az(r.oursAz)].map(String),
      ),
    ),
  );
  console.log("");
  console.log(
    markdownTable(
      [
        "tasks",
        "instances",
        "services",
        "planMs (validation included)",
        "validateMs",
        "parseMs",
        "plan/parse",
        "warm-up plan/parse (ms)",
        "plannedMoves",
      ],
      output.planScale.map((p) =>
        [
          p.tasks,
          p.instances,
          p.services,
          p.planMs.toFixed(0),
          p.validateMs.toFixed(0),
          p.parseMs.toFixed(0),
          (p.planMs / p.parseMs).toFixed(2),
          // rows saved before the warm-up was split off have none
          p.coldPlanMs === undefined ? "-" : `${p.coldPlanMs.toFixed(0)} / ${p.coldParseMs.toFixed(0)}`,
          p.plannedMoves,
        ].map(String),
      ),
    ),
  );
  console.log(
    `\nLambda archive: ${output.lambdaZipBytes} bytes zipped, ${output.lambdaArchiveBytes} bytes of code; naive (SDK bundled): ${output.naiveArchiveBytes} bytes`,
  );
  console.log(
    `Cold start (fresh node requiring __index.js): ${output.coldStartMs.toFixed(0)} ms; fresh node requiring nothing: ${output.emptyNodeMs.toFixed(0)} ms; ratio ${output.coldStartRatio.toFixed(2)}`,
  );
  console.log(`Wall time: scenarios ${output.scenarioWallSeconds.toFixed(0)} s, total ${output.totalWallSeconds.toFixed(0)} s`);
  for (const error of output.errors) console.log(`ERROR ${error}`);
}

if (process.argv.includes("--worker")) serveJobs(worker);
else
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });

/**
 * The moves target against the larger of the two lower bounds on the fewest moves (the end-state
 * oracle and the step-by-step one, stepOracle.ts): "yes (limit)" or "NO (limit)".
 */
function movesTarget(r: ScenarioResult): string {
  const limit = movesLimit(r.bandMinMoves, r.stepsMinMoves);
  return limit === undefined ? "-" : `${r.moves <= limit ? "yes" : "NO"} (${limit.toFixed(1)})`;
}
