import * as assert from "assert";
import * as path from "path";
import { archivedRebalancer } from "../../cli/archivedRebalancer";
import { buildLambdaArchive, LambdaArchive } from "../../cli/lambdaArchive";
import { simulate, TickContext } from "../../cli/simulation";
import { readScenarioFile, Scenario } from "../../simulator";

/**
 * Pinned load moves end to end (handler/surgePin.ts): the deployed archive against the simulator,
 * whose placement honours `memberOf` constraints as binding and breaks ties at random. The demo's
 * second scene is all ties: 12 two-task services whose zones tie, on instances that tie for each
 * service's fewest. Unpinned, each load move is a coin flip (zones) or needs a filler; pinned, every
 * one lands where planned, under every simulator seed, and every service ends with exactly the
 * constraints it was created with.
 */
describe("end to end: pinned load moves land where planned", function () {
  this.timeout(300000);
  let archive: LambdaArchive;
  let scene: Scenario;
  before(async () => {
    archive = await buildLambdaArchive();
    scene = readScenarioFile(path.join(__dirname, "..", "..", "scenarios", "many-small-services.json"));
  });

  /** The most services seen pinned at one tick (a constraint beyond those the scene creates them with: none). */
  const pinsSeen = () => {
    let most = 0;
    const onTick = ({ sim }: TickContext) => {
      const services = [...sim.state.cluster(scene.cluster ?? scene.name).services.values()];
      most = Math.max(
        most,
        services.filter((s) => s.placementConstraints.some((c) => /^ec2InstanceId == i-/.test(c.expression ?? ""))).length,
      );
    };
    return { onTick, most: () => most };
  };

  for (const seed of [1, 2, 3, 4]) {
    it(`simulator seed ${seed}: every load move on its planned instance, no filler, 12 moves, constraints restored`, async () => {
      const pins = pinsSeen();
      const report = await simulate({
        scenario: { ...scene, seed },
        rebalancer: await archivedRebalancer(archive),
        trackLanding: true,
        onTick: pins.onTick,
      });
      assert.ok(pins.most() > 0, "services were pinned while their surges lasted");
      const landing = report.loadMoves!;
      assert.ok(landing.planned > 0, "load moves were made");
      assert.strictEqual(landing.landed, landing.planned, JSON.stringify(landing));
      assert.strictEqual(landing.fillers, 0);
      assert.strictEqual(report.moves, 12, "the least any layout needs: 6 per zone");
      assert.deepStrictEqual(report.constraintsChanged, []);
      assert.deepStrictEqual(report.surgesLeft, []);
      assert.strictEqual(report.minHealthyHeld, true);
      assert.strictEqual(report.balanced, true);
    });
  }

  it("control, pinning off (REBALANCER_PIN_LOAD_MOVES=false): no service is ever pinned, and the same scene still balances", async () => {
    const pins = pinsSeen();
    const report = await simulate({
      scenario: { ...scene, seed: 1 },
      rebalancer: await archivedRebalancer(archive, { REBALANCER_PIN_LOAD_MOVES: "false" }),
      onTick: pins.onTick,
    });
    assert.strictEqual(pins.most(), 0);
    assert.deepStrictEqual(report.constraintsChanged, []);
    assert.strictEqual(report.balanced, true);
  });
});
