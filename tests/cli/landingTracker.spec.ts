import * as assert from "assert";
import { LandingTracker } from "../../cli/landingTracker";
import { formatSurge, IGNORE_TAG, SURGE_TAG } from "../../handler/surgeTag";
import { buildSnapshot, InstanceSpec, ServiceSpec, WEB_IDENTITY } from "../handler/fixtures";

/** Fillers exist only where moves are not pinned (clusterLoad/args.ts, pinMoves). */
const UNPINNED = { bandTasks: 1, pinMoves: false };

/**
 * The bench's landing measure (cli/landingTracker.ts) for a load move with a filler: web (1, 0 | 1, 0)
 * with fixed load (2, 0 | 0, 1) plans web 0 → 1 and a filler 2 → 3. The tracker is shown the plan's
 * snapshot, then the surge (2 → 4 with a task on 1 and 3), then the end.
 */
describe("landing tracker: fillers are counted apart from load moves", () => {
  const fixed: ServiceSpec = { name: "fixed", tags: { [IGNORE_TAG]: "true" } };
  const fixedLoad = [2, 0, 0, 1];
  const layout = (web: number[]): InstanceSpec[] =>
    web.map((count, at) => ({ zone: at < 2 ? "a" : "b", tasks: { fixed: fixedLoad[at], web: count } }));
  const surging: ServiceSpec = {
    name: "web",
    desiredCount: 4,
    tags: { [SURGE_TAG]: formatSurge({ from: 2, to: 4, startedAt: new Date(0) }, WEB_IDENTITY) },
  };

  function countsAfter(end: number[]) {
    const tracker = new LandingTracker(UNPINNED);
    tracker.before(buildSnapshot(layout([1, 0, 1, 0]), [fixed, { name: "web" }]));
    tracker.after(buildSnapshot(layout([1, 1, 1, 1]), [fixed, surging]));
    tracker.after(buildSnapshot(layout(end), [fixed, { name: "web" }]));
    return tracker.counts;
  }

  it("the move landed and the filler was given back (zone b keeps its task on 2): 1 of 1 landed, 1 of 1 filler given back", () => {
    assert.deepStrictEqual(countsAfter([0, 1, 1, 0]), { planned: 1, landed: 1, onAcceptedTie: 0, fillers: 1, fillersGivenBack: 1 });
  });

  it("the filler became a swap (zone b's task on 2 stopped, the started one on 3 kept): the filler is not counted as given back", () => {
    assert.deepStrictEqual(countsAfter([0, 1, 0, 1]), { planned: 1, landed: 1, onAcceptedTie: 0, fillers: 1, fillersGivenBack: 0 });
  });
});
