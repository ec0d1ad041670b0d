import * as assert from "assert";
import { Plan, planMoves } from "../../../handler/planner";
import { Snapshot } from "../../../handler/snapshot";
import { formatSurge, SURGE_TAG } from "../../../handler/surgeTag";
import { buildSnapshot, InstanceSpec, serviceArn, WEB_IDENTITY } from "../fixtures";
import { instanceIndex as index, planEveryService, skipOf } from "../plannedOutcomes";

/**
 * Ending a surge of ours (handler/serviceSpread/surgeEnd.ts) through the planner: complete (stop the
 * surplus of the balanced layout at the original count), roll back, or forget a tag that is not ours.
 */
const NOW = new Date("2026-03-01T12:00:00Z");
const TIMEOUT = 900;

function plan(snapshot: Snapshot, now = NOW): Plan {
  return planEveryService(snapshot, now, TIMEOUT);
}

describe("surge end: surges recorded on a service", () => {
  const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
  const surged = (instances: InstanceSpec[], desiredCount: number, tag: string) =>
    buildSnapshot(instances, [{ name: "web", desiredCount, tags: { [SURGE_TAG]: tag } }]);
  const tag = (from: number, to: number, seconds = 60) => formatSurge({ from, to, startedAt: ago(seconds) }, WEB_IDENTITY);

  it("steady at the surged count → complete: stop the surplus for the original count, from the loaded instance", () => {
    // the surge from 2 to 3 placed its extra task in zone b: stop one of the two in zone a
    const result = plan(
      surged(
        [
          { zone: "a", tasks: { web: 2 } },
          { zone: "b", tasks: { web: 1 } },
        ],
        3,
        tag(2, 3),
      ),
    );
    assert.strictEqual(result.surges.length, 1);
    const [action] = result.surges;
    assert.strictEqual(action.kind, "complete");
    if (action.kind !== "complete") return;
    assert.deepStrictEqual(action.surge.from, 2);
    assert.deepStrictEqual(
      action.stop.map((m) => [index(m.from), m.to]),
      [[0, null]],
    );
    assert.deepStrictEqual(result.moves, []);
  });

  it("complete with a surge of 2: stops exactly to − from tasks, wherever ECS put the extras", () => {
    const result = plan(
      surged(
        [
          { zone: "a", tasks: { web: 4 } },
          { zone: "b", tasks: { web: 1 } },
          { zone: "b", tasks: { web: 1 } },
        ],
        6,
        tag(4, 6),
      ),
    );
    const [action] = result.surges;
    assert.strictEqual(action.kind, "complete");
    if (action.kind === "complete")
      assert.deepStrictEqual(
        action.stop.map((m) => index(m.from)),
        [0, 0],
      );
  });

  it("complete after the extra task was lost with its instance: stops only to − from, never below from", () => {
    // all 3 tasks ended up on one instance (the new one vanished, ECS put the extra task back here)
    // and a fresh empty instance joined: balancing fully would stop 2 and leave 1 running of 2
    const result = plan(surged([{ zone: "a", tasks: { web: 3 } }, { zone: "b" }], 3, tag(2, 3)));
    const [action] = result.surges;
    assert.strictEqual(action.kind, "complete");
    if (action.kind === "complete")
      assert.deepStrictEqual(
        action.stop.map((m) => index(m.from)),
        [0],
      );
  });

  it("complete after a surge cut short by budgets (8 → 11, extras 1 in zone a, 2 in b): stops 1 from a and 2 from b, zones stay (4 | 4), not (3 | 5)", () => {
    // the distribution of 8 still wants a move inside zone a (4,1 → 2,2): that removal is paired
    // with the addition, so the stops are the zones' net surplus
    const snapshot = surged(
      [
        { zone: "a", tasks: { web: 4 } },
        { zone: "a", tasks: { web: 1 } },
        { zone: "b", tasks: { web: 4 } },
        { zone: "b", tasks: { web: 2 } },
      ],
      11,
      tag(8, 11),
    );
    const [action] = plan(snapshot).surges;
    assert.strictEqual(action.kind, "complete");
    if (action.kind !== "complete") return;
    assert.deepStrictEqual(action.stop.map((m) => index(m.from)).sort(), [0, 2, 2]);
  });

  it("not steady after the timeout → rollback", () => {
    const result = plan(surged([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], 3, tag(2, 3, TIMEOUT + 1)));
    assert.deepStrictEqual(
      result.surges.map((s) => s.kind),
      ["rollback"],
    );
    assert.deepStrictEqual(result.skipped, []);
  });

  it("rollback keeps (to protect) only running tasks, never the extra task that never started", () => {
    const snapshot = surged(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { web: 1 } },
      ],
      3,
      tag(2, 3, TIMEOUT + 1),
    );
    const pending = snapshot.tasks[2];
    Object.assign(pending, { lastStatus: "PENDING" });
    const [action] = planMoves(snapshot, { now: NOW, surgeTimeoutSeconds: TIMEOUT }).surges;
    assert.strictEqual(action.kind, "rollback");
    if (action.kind === "rollback") assert.deepStrictEqual(action.keep, [snapshot.tasks[0].taskArn, snapshot.tasks[1].taskArn]);
  });

  it("rollback with more running tasks than it keeps: an UNHEALTHY one is given up first (leavingTask.ts), never a healthy one in its place", () => {
    // 3 RUNNING of a surge 2 → 3 not steady past its timeout (ECS still has one pending to place);
    // the scale-in stops the tasks left unprotected, so keeping the UNHEALTHY one would stop a healthy one
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { web: 1 } },
      ],
      [{ name: "web", desiredCount: 3, tags: { [SURGE_TAG]: tag(2, 3, TIMEOUT + 1) }, patch: { pendingCount: 1 } }],
    );
    snapshot.tasks[0].healthStatus = "UNHEALTHY";
    const [action] = plan(snapshot).surges;
    assert.strictEqual(action.kind, "rollback");
    if (action.kind === "rollback") assert.deepStrictEqual(action.keep, [snapshot.tasks[1].taskArn, snapshot.tasks[2].taskArn]);
  });

  it("not steady within the timeout → skipped surge-in-flight, no action", () => {
    const result = plan(surged([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], 3, tag(2, 3, TIMEOUT - 1)));
    assert.deepStrictEqual(result.surges, []);
    assert.strictEqual(skipOf(result, "web"), "surge-in-flight");
  });

  it("desired count ≠ the surged count (restored, never applied, or changed by an autoscaler) → forget", () => {
    const result = plan(surged([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], 2, tag(2, 3)));
    assert.deepStrictEqual(
      result.surges.map((s) => s.kind),
      ["forget"],
    );
  });

  // the cases: a 4-task web at a 100 % floor carrying a tag the rebalancer never wrote
  const at = ago(60).toISOString();
  const api = { serviceArn: serviceArn("api") };
  const forged: Array<[string, string, number, RegExp]> = [
    ["the old `from=0;to=4;at=…` form, hand-written", `from=0;to=4;at=${at}`, 4, /not in the form/],
    ["`from=0 to=4 at=…` with no proof", `from=0 to=4 at=${at}`, 4, /not in the form/],
    ["a proof that does not match the fields", `from=2 to=4 at=${at} proof=0123456789abcdef`, 4, /proof does not match/],
    [
      "copied from service api (its proof binds api's ARN)",
      formatSurge({ from: 2, to: 4, startedAt: ago(60) }, api),
      4,
      /proof does not match/,
    ],
    ["from=0 with a valid proof: never below 2", tag(0, 4), 4, /fewer than 2 tasks/],
    ["from=1 with a valid proof: never below 2", tag(1, 4), 4, /fewer than 2 tasks/],
    ["from=2 to=5: beyond maximumPercent 200 (at most 4)", tag(2, 5), 5, /beyond maximumPercent/],
    ["to = from", tag(3, 3), 3, /a surge raises the count/],
    ["a start an hour in the future", tag(2, 3, -3600), 3, /in the future/],
    ["an invalid date", "from=2 to=3 at=2026-13-45T99:00:00Z proof=0123456789abcdef", 3, /proof does not match|not a date/],
    ["desired count ≠ the surge's to (restored, or changed by an autoscaler)", tag(2, 3), 2, /desired count is 2/],
  ];
  for (const [name, value, desiredCount, reason] of forged) {
    it(`a tag that is not ours or does not fit (${name}) → forget, with the reason, never complete`, () => {
      const layout = [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { web: desiredCount - 2 } },
      ];
      const result = plan(surged(layout, desiredCount, value));
      assert.deepStrictEqual(
        result.surges.map((s) => s.kind),
        ["forget"],
      );
      const [action] = result.surges;
      assert.match(action.kind === "forget" ? action.detail : "", reason);
    });
  }
});
