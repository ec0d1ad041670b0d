import { strict as assert } from "node:assert";
import type { DeploymentConfiguration } from "@aws-sdk/client-ecs";
import { silentLogger } from "../../handler/log";
import { rebalance } from "../../handler/rebalance";
import type { EcsSimulator } from "../../simulator";
import { CLUSTER, addInstances, addService, newSimulator } from "../simulator/helpers";
import { simulatorPort } from "./simulatorPort";

const ZONE_THEN_INSTANCE = [
  { type: "spread" as const, field: "attribute:ecs.availability-zone" },
  { type: "spread" as const, field: "instanceId" },
];

/** web, 4 tasks on 2 instances; 2 empty instances join (so it would move), then a deployment starts. */
function deploying(deploymentConfiguration: DeploymentConfiguration): EcsSimulator {
  const sim = newSimulator();
  addInstances(sim, [{ zone: "us-east-1a" }, { zone: "us-east-1b" }]);
  addService(sim, "web", 4, { placementStrategy: ZONE_THEN_INSTANCE, availabilityZoneRebalancing: "DISABLED", deploymentConfiguration });
  sim.settle(CLUSTER);
  addInstances(sim, [{ zone: "us-east-1a" }, { zone: "us-east-1b" }]);
  sim.call("UpdateService", { cluster: CLUSTER, service: "web", forceNewDeployment: true });
  return sim;
}

const live = (sim: EcsSimulator) =>
  [...sim.state.cluster(CLUSTER).services.get("web")!.tasks].filter((t) => t.desiredStatus === "RUNNING").length;
const statuses = (sim: EcsSimulator) =>
  ((sim.call("ListServiceDeployments", { cluster: CLUSTER, service: "web" }) as any).serviceDeployments as Array<{ status: string }>)
    .map((d) => d.status)
    .sort();

describe("simulator: deployments that shift traffic (BLUE_GREEN, LINEAR, CANARY)", () => {
  const cases: Array<[string, DeploymentConfiguration, number]> = [
    ["BLUE_GREEN with a 30-minute bake", { strategy: "BLUE_GREEN", bakeTimeInMinutes: 30 }, 30],
    [
      "LINEAR in 4 steps of 25 % every 5 minutes, then a 10-minute bake",
      { strategy: "LINEAR", linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 5 }, bakeTimeInMinutes: 10 },
      30,
    ],
    [
      "CANARY 10 % baking 15 minutes, then a 5-minute bake",
      { strategy: "CANARY", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 15 }, bakeTimeInMinutes: 5 },
      20,
    ],
  ];
  for (const [name, config, holdMinutes] of cases) {
    it(`${name}: 2 × desired from scale-up to clean-up (${holdMinutes} min after green runs), IN_PROGRESS until then`, () => {
      const sim = deploying(config);
      sim.advance(60);
      assert.equal(live(sim), 8, "blue and green side by side");
      sim.advance(holdMinutes * 60 - 70);
      assert.equal(live(sim), 8, "still both, just before clean-up");
      assert.ok(statuses(sim).includes("IN_PROGRESS"));
      sim.advance(120);
      assert.equal(live(sim), 4, "blue stopped at clean-up");
      sim.settle(CLUSTER);
      assert.deepEqual(statuses(sim), ["SUCCESSFUL"]);
    });
  }

  it("control: ROLLING (the default) never runs more than maximumPercent allows and ends within minutes", () => {
    const sim = deploying({ maximumPercent: 150, minimumHealthyPercent: 100 });
    let most = 0;
    for (let t = 0; t < 300; t++) {
      sim.advance(1);
      most = Math.max(most, live(sim));
    }
    assert.ok(most <= 6, `at most 150 % of 4 (${most})`);
    assert.deepEqual(statuses(sim), ["SUCCESSFUL"]);
  });

  it("during the bake, the engine writes nothing to the service, and says why", async () => {
    const sim = deploying({ strategy: "BLUE_GREEN", bakeTimeInMinutes: 60 });
    sim.advance(600);
    sim.resetApiCalls();
    const report = await rebalance(simulatorPort(sim), CLUSTER, {
      dryRun: false,
      now: sim.now,
      log: silentLogger,
      surgeTimeoutSeconds: 900,
      maxMovesPerRun: 10,
      maxMovesPerService: 5,
      maxMovesPerInstance: 3,
    });
    assert.deepEqual(report.wave.actions, []);
    assert.equal(sim.apiCalls().write, 0);
    assert.match(report.plan.skipped.find((s) => s.serviceName === "web")!.reason, /deployment-in-progress/);
  });

  const invalid: Array<[string, DeploymentConfiguration]> = [
    ["LINEAR without linearConfiguration", { strategy: "LINEAR" }],
    ["CANARY at 0 %", { strategy: "CANARY", canaryConfiguration: { canaryPercent: 0 } }],
    ["a bake of 1,441 minutes", { strategy: "BLUE_GREEN", bakeTimeInMinutes: 1441 }],
    ["strategy SHADOW", { strategy: "SHADOW" as never }],
  ];
  for (const [name, deploymentConfiguration] of invalid) {
    it(`${name} → InvalidParameterException`, () => {
      const sim = newSimulator();
      assert.throws(
        () => addService(sim, "web", 1, { deploymentConfiguration }),
        (e: Error) => e.name === "InvalidParameterException",
      );
    });
  }
});
