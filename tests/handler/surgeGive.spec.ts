import * as assert from "assert";
import { silentLogger } from "../../handler/log";
import { rebalance } from "../../handler/rebalance";
import { readSurge, SURGE_TAG } from "../../handler/surgeTag";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER_ARN, InstanceSpec, instanceArn, ServiceSpec } from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
const virtualClock = { now: () => 0, sleep: async () => {} };

/**
 * A surge's completion stops the tasks its moves were planned to take away (the tag's `give`), when
 * the service is balanced without them. The load property's minimal case: web (1,0 | 1,1) with
 * fixed load (3,0 | 5,0). The load pass moves web a0 → a1; once the extra task runs on a1, web is
 * balanced whether a0's or b0's task goes. The spread's tie-break picked b0 (the busier zone), which
 * left zone a at (4,1); the planned give-up leaves it at (3,1).
 */
describe("surge completion gives up the planned tasks (surgeTag.ts, give)", () => {
  const fixed: ServiceSpec = { name: "fixed", tags: { "ecs-rebalancer:ignore": "true" } };
  const instances: InstanceSpec[] = [
    { zone: "a", tasks: { fixed: 3, web: 1 } },
    { zone: "a" },
    { zone: "b", tasks: { fixed: 5, web: 1 } },
    { zone: "b", tasks: { web: 1 } },
  ];
  const webOn = (fake: FakeEcs, at: number) => fake.runningTasks("web").filter((t) => t.containerInstanceArn === instanceArn(at)).length;

  it("the load move a0 → a1 lands and stays: a0's web task is the one stopped, b's two stay", async () => {
    const fake = new FakeEcs(buildSnapshot(instances, [fixed, { name: "web" }]));
    let tagged: string | undefined;
    for (let i = 0; i < 10; i++) {
      await rebalance(fake, CLUSTER_ARN, {
        dryRun: false,
        log: silentLogger,
        maxMovesPerRun: 10,
        maxMovesPerService: 5,
        maxMovesPerInstance: 3,
        clock: virtualClock,
        now: new Date(NOW.getTime() + i * 30_000),
        surgeTimeoutSeconds: 900,
      });
      tagged ??= fake.serviceOf("web").tags?.find((t) => t.key === SURGE_TAG)?.value;
      fake.advance();
    }
    assert.match(tagged ?? "", / give=[0-9A-Za-z-]+ proof=/, "the surge recorded the task it gives up");
    assert.deepStrictEqual(
      [0, 1, 2, 3].map((at) => webOn(fake, at)),
      [0, 1, 1, 1],
    );
    assert.strictEqual(fake.state.tasks.filter((t) => t.lastStatus === "STOPPED").length, 1, "one task moved");
    assert.strictEqual(fake.serviceOf("web").desiredCount, 3);
    assert.strictEqual(readSurge(fake.serviceOf("web")), undefined);
  });
});
