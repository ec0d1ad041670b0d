import { archivedRebalancer } from "../cli/archivedRebalancer";
import { Rebalancer, RebalancerFactory, simulate } from "../cli/simulation";
import { Scenario, ScenarioService, ScenarioStep } from "../simulator";
import { between, seededRandom, ZONE_THEN_INSTANCE } from "./scenarios";

/**
 * npm run soak [-- --runs N]: random small clusters through `simulate` with our archived Lambda and
 * faults (10% throttling, duplicated and reordered events, an instance lost midway, invocations cut
 * off by a timeout). Counts convergence and the invariants that must never break.
 *
 * The timeout is simulated by racing the handler against a short real-time timer and dropping its
 * result: the writes it made stay, but the handler keeps running in the background (a real Lambda
 * would be frozen), so its later writes may overlap the next invocation — harsher than AWS.
 * Making the port throw after N calls is not done: the archive builds its own SDK client inside.
 * "A move from an instance at or under its target" cannot be seen from outside the archive; it is
 * checked on plans by the property tests in tests/handler/planner.property.spec.ts.
 */
const STRATEGIES = {
  zoneThenInstance: ZONE_THEN_INSTANCE,
  zoneOnly: [{ type: "spread" as const, field: "attribute:ecs.availability-zone" }],
  instanceOnly: [{ type: "spread" as const, field: "instanceId" }],
  binpack: [{ type: "binpack" as const, field: "memory" }],
};
const BOUNDS = [[100, 200], [50, 200], [100, 150]];

function randomScenario(seed: number): Scenario {
  const random = seededRandom(seed);
  const zones = ["us-east-1a", "us-east-1b", "us-east-1c"].slice(0, between(random, 2, 3));
  const services: ScenarioService[] = [];
  for (let i = 0; i < between(random, 1, 5); i++) {
    const kinds = Object.keys(STRATEGIES) as (keyof typeof STRATEGIES)[];
    const [min, max] = BOUNDS[between(random, 0, BOUNDS.length - 1)];
    services.push({
      name: `s${i}`, desiredCount: between(random, 1, 8), cpu: 64, memory: 128,
      placementStrategy: STRATEGIES[kinds[between(random, 0, kinds.length - 1)]],
      deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max },
    });
  }
  const steps: ScenarioStep[] = [];
  for (let i = 0; i < between(random, 1, 3); i++) {
    steps.push(random() < 0.7
      ? { name: `scale ${i}`, scaleInstances: between(random, 1, 6) }
      : { name: `desired ${i}`, setDesiredCount: { service: services[between(random, 0, services.length - 1)].name, count: between(random, 1, 8) } });
  }
  steps.push({ name: "scale out at the end", scaleInstances: between(random, 2, 6) });
  return {
    name: `soak-${seed}`, seed, zones, instance: { cpu: 2048, memory: 4096, instanceType: "t3.medium" },
    instanceCount: between(random, 2, 6), timing: { taskStartSeconds: 10, taskStopSeconds: 30, instanceBootSeconds: 60 }, services, steps,
  };
}

/** Some invocations are cut off after `ms` real milliseconds, their result dropped. */
function withTimeouts(factory: RebalancerFactory, random: () => number, rate: number, ms: number, cut: { count: number }): RebalancerFactory {
  return async (context) => {
    const handler: Rebalancer = await factory(context);
    return (event) => {
      const run = handler(event);
      if (random() >= rate) return run;
      cut.count++;
      run.catch(() => undefined);
      return Promise.race([run, new Promise((resolve) => setTimeout(resolve, ms))]);
    };
  };
}

async function main(): Promise<void> {
  const runsIndex = process.argv.indexOf("--runs");
  const runs = runsIndex > 0 ? Number(process.argv[runsIndex + 1]) : 200;
  // a wall-clock budget: the SDK's retry backoff under throttling is real time, so runs are slow
  const minutesIndex = process.argv.indexOf("--minutes");
  const budgetMs = (minutesIndex > 0 ? Number(process.argv[minutesIndex + 1]) : 10) * 60_000;
  // --control: the same scenarios and faults with no rebalancer, to tell the scenario's own dips from ours
  const control = process.argv.includes("--control");
  const ours = await archivedRebalancer();
  const totals = { runs: 0, converged: 0, belowMinimumHealthy: 0, belowMinimumAndBelowEcsAlone: 0, surgeNotRestored: 0, taskDefinitionRegistered: 0, timedOutInvocations: 0, moves: 0, lostInstances: 0, errors: 0 };
  const failures: string[] = [];
  const started = Date.now();
  for (let seed = 1; seed <= runs && Date.now() - started < budgetMs; seed++) {
    const scenario = randomScenario(seed);
    const random = seededRandom(seed * 7919);
    const cut = { count: 0 };
    const loseAt = { step: between(random, 0, scenario.steps.length - 1), seconds: 5 * between(random, 2, 12), index: between(random, 0, 5) };
    try {
      const alone = control ? undefined : await simulate({ scenario, faults: { reorderEvents: true }, maxStepSeconds: 1800, onTick: (c) => c.stepIndex === loseAt.step && c.elapsedSeconds === loseAt.seconds && c.loseInstance(loseAt.index) });
      const report = await simulate({
        scenario,
        rebalancer: control ? undefined : withTimeouts(ours, random, 0.1, 15, cut),
        faults: { throttleRate: 0.1, duplicateEventRate: 0.2, reorderEvents: true },
        scheduleSeconds: 300,
        maxStepSeconds: 1800,
        onTick: (context) => {
          if (context.stepIndex === loseAt.step && context.elapsedSeconds === loseAt.seconds) {
            context.loseInstance(loseAt.index);
            totals.lostInstances++;
          }
        },
      });
      totals.runs++;
      totals.moves += report.moves;
      totals.timedOutInvocations += cut.count;
      const converged = report.balanced && report.surgesLeft.length === 0;
      if (converged) totals.converged++;
      else failures.push(`${scenario.name}: not converged (unbalanced ${report.unbalanced.join(",") || "-"}, surges ${report.surgesLeft.join(",") || "-"})`);
      if (!report.minHealthyHeld) {
        totals.belowMinimumHealthy++;
        // the scenario's own steps (scale-in, a lost instance) can dip below the floor with no rebalancer at all
        const deeper = Object.keys(report.minHealthy).filter((n) => (report.minRunning[n] ?? 0) < report.minHealthy[n] && (report.minRunning[n] ?? 0) < (alone?.minRunning[n] ?? Infinity));
        if (deeper.length) totals.belowMinimumAndBelowEcsAlone++;
        failures.push(`${scenario.name}: below minimum healthy ${JSON.stringify(report.minRunning)} floor ${JSON.stringify(report.minHealthy)} ECS alone ${JSON.stringify(alone?.minRunning)}${deeper.length ? " DEEPER than ECS alone: " + deeper.join(",") : ""}`);
      }
      if (report.surgesLeft.length > 0) totals.surgeNotRestored++;
      if (report.taskDefinitionsRegistered > 0) totals.taskDefinitionRegistered++;
    } catch (error) {
      totals.errors++;
      failures.push(`${scenario.name}: simulate threw ${(error as Error).message.split("\n")[0]}`);
    }
  }
  console.log(JSON.stringify({ ...totals, wallSeconds: Math.round((Date.now() - started) / 1000) }, null, 2));
  for (const failure of failures) console.log(failure);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
