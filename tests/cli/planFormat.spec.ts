import * as assert from "assert";
import { planJson, planText } from "../../cli/planFormat";
import { planMoves } from "../../handler/planner";
import { IGNORE_TAG } from "../../handler/surgeTag";
import { buildSnapshot, InstanceSpec, instanceArn, ServiceSpec } from "../handler/fixtures";

/** Coin flips and fillers are planned only where moves are not pinned (clusterLoad/args.ts, pinMoves). */
const UNPINNED = { bandTasks: 1, pinMoves: false };

/**
 * `ecs-rebalance plan` shows where a load move's started task may land: a coin-flip move names every
 * instance ECS may pick (`landsOn`), a certain one only its target.
 */
describe("plan output: where a load move lands", () => {
  const fixed: ServiceSpec = { name: "fixed", tags: { [IGNORE_TAG]: "true" } };
  // web's one task in zone a is on instance 0 (load 4); instances 1 (0) and 2 (2) hold none of it
  const plan = (third: InstanceSpec) => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { fixed: 3, web: 1 } }, { zone: "a" }, third, { zone: "b", tasks: { web: 2 } }],
      [fixed, { name: "web" }],
    );
    return { snapshot, plan: planMoves(snapshot, { now: new Date(0), surgeTimeoutSeconds: 900, clusterLoad: UNPINNED }) };
  };

  it("a coin flip between loads 0 and 2: --json lists both instances, the text says it is a coin flip", () => {
    const { snapshot, plan: result } = plan({ zone: "a", tasks: { fixed: 2 } });
    const [move] = planJson(result).moves;
    assert.deepStrictEqual(move.landsOn, [instanceArn(1), instanceArn(2)]);
    assert.strictEqual(move.to, instanceArn(1));
    assert.match(planText(result, snapshot), /web\s+\S+\s+i-0+ \(a\)\s+i-0+1 \(a\) or i-0+2 \(a\) \(coin flip\)\s+load/);
  });

  it("control: loads 0 and 0 are as good as each other, so the move is certain and names only its target", () => {
    const { snapshot, plan: result } = plan({ zone: "a" });
    const [move] = planJson(result).moves;
    assert.strictEqual(move.landsOn, undefined);
    assert.strictEqual(move.to, instanceArn(1));
    assert.doesNotMatch(planText(result, snapshot), /coin flip/);
  });
});

describe("plan output: a pinned load move", () => {
  const fixed: ServiceSpec = { name: "fixed", tags: { [IGNORE_TAG]: "true" } };
  // the coin flip above (loads 0 and 2 tied for web's fewest), planned with the default pins
  const snapshot = buildSnapshot(
    [{ zone: "a", tasks: { fixed: 3, web: 1 } }, { zone: "a" }, { zone: "a", tasks: { fixed: 2 } }, { zone: "b", tasks: { web: 2 } }],
    [fixed, { name: "web" }],
  );
  const result = planMoves(snapshot, { now: new Date(0), surgeTimeoutSeconds: 900 });

  it("--json names the EC2 instance the task is pinned to and no coin flip; the text says pinned", () => {
    const [move] = planJson(result).moves;
    assert.deepStrictEqual([move.to, move.pin, move.landsOn], [instanceArn(1), "i-00000000000000001", undefined]);
    assert.match(planText(result, snapshot), /web\s+\S+\s+i-0+ \(a\)\s+i-0+1 \(a\) \(pinned\)\s+load/);
  });
});

describe("plan output: a filler in a tied zone", () => {
  // web (1, 0 | 1, 0) with fixed load (2, 0 | 0, 1): the move 0 → 1 in zone a needs a task in zone b too
  const fixed: ServiceSpec = { name: "fixed", tags: { [IGNORE_TAG]: "true" } };
  const snapshot = buildSnapshot(
    [{ zone: "a", tasks: { fixed: 2, web: 1 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }, { zone: "b", tasks: { fixed: 1 } }],
    [fixed, { name: "web" }],
  );
  const result = planMoves(snapshot, { now: new Date(0), surgeTimeoutSeconds: 900, clusterLoad: UNPINNED });

  it("--json marks the filler; the text counts it apart from the moves and says when it is given up", () => {
    const moves = planJson(result).moves;
    assert.deepStrictEqual(
      moves.map((m) => [m.from, m.to, m.filler ?? false, m.withNext ?? false]),
      [
        [instanceArn(0), instanceArn(1), false, true],
        [instanceArn(2), instanceArn(3), true, false],
      ],
    );
    const text = planText(result, snapshot);
    // the move and its filler are one surge: the text says so of the first
    assert.match(text, /i-0+1 \(a\)\s+load \(one surge with the next\)/);
    assert.match(text, /^Moves: 1 \(and 1 filler: started only so that a surge lands\)$/m);
    assert.match(text, /i-0+3 \(b\) \(filler: given up, unless it lands lighter than i-0+2 \(b\)\)/);
  });
});
