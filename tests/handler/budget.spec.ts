import * as assert from "assert";
import { Budgets, selectWithinBudgets } from "../../handler/budget";
import { landingGroups, wholeGroupsWithin } from "../../handler/landingGroup";
import { Move } from "../../handler/planner";

const UNLIMITED: Budgets = { maxMovesPerRun: 1000, maxMovesPerService: 1000, maxMovesPerInstance: 1000 };

/** "web:i0>i1+" is web's move from i0 to i1 that lands only with web's next move (withNext). */
function move(spec: string): Move {
  const [, service, from, to, next] = /^(\w+):(\w+)>(\w+)(\+?)$/.exec(spec)!;
  return {
    service,
    serviceName: service,
    taskArn: `${spec}`,
    from,
    to,
    toGroup: [],
    pass: "spread",
    ...(next ? { withNext: true as const } : {}),
  };
}

const names = (moves: Move[]) => moves.map((m) => m.taskArn);

describe("budgets take moves that land together whole, or leave them whole (budget.ts)", () => {
  const cases: Array<[string, string[], Partial<Budgets>, string[]]> = [
    // 3->6 with 50 services: the heavy instance's stop budget split web's pair, and web's other
    // move surged alone into tied zones (a coin flip the completion gave back)
    [
      "a pair one of whose sources is at its instance's budget waits whole",
      ["api:x>y", "web:x>z+", "web:w>v"],
      { maxMovesPerInstance: 1 },
      ["api:x>y"],
    ],
    [
      "control: without the mark, the other move goes alone (as before)",
      ["api:x>y", "web:x>z", "web:w>v"],
      { maxMovesPerInstance: 1 },
      ["api:x>y", "web:w>v"],
    ],
    ["a pair that would pass the run's budget waits whole", ["api:x>y", "web:a>b+", "web:c>d"], { maxMovesPerRun: 2 }, ["api:x>y"]],
    [
      "a later single move still fits after a pair waits",
      ["ops:m>n", "web:a>b+", "web:c>d", "api:x>y"],
      { maxMovesPerRun: 2 },
      ["ops:m>n", "api:x>y"],
    ],
    ["a pair fits whole", ["api:x>y", "web:a>b+", "web:c>d"], { maxMovesPerRun: 3 }, ["api:x>y", "web:a>b+", "web:c>d"]],
    [
      "the service's next move, not the plan's next: a pair around another service's move",
      ["web:a>b+", "api:x>y", "web:c>d"],
      { maxMovesPerRun: 2 },
      ["web:a>b+", "web:c>d"],
    ],
    [
      "two pairs of one service at a per-service budget of 2: the first pair",
      ["web:a>b+", "web:c>d", "web:e>f+", "web:g>h"],
      { maxMovesPerService: 2 },
      ["web:a>b+", "web:c>d"],
    ],
    [
      "a pair no budget could ever allow (per service 1) goes move by move, not never",
      ["web:a>b+", "web:c>d"],
      { maxMovesPerService: 1 },
      ["web:a>b+"],
    ],
  ];
  for (const [name, specs, budgets, expected] of cases) {
    it(`${name}: ${specs.join(" ")} → ${expected.join(" ") || "nothing"}`, () => {
      const moves = specs.map(move);
      const { selected, deferred } = selectWithinBudgets(moves, { ...UNLIMITED, ...budgets });
      assert.deepStrictEqual(names(selected), expected);
      assert.deepStrictEqual(
        names(deferred),
        names(moves.filter((m) => !expected.includes(m.taskArn))),
        "the rest deferred, in plan order",
      );
    });
  }

  it("groups: a service's chained moves together, in the order of their first move", () => {
    const groups = landingGroups(["web:a>b+", "api:x>y", "web:c>d", "api:p>q+", "api:r>s"].map(move));
    assert.deepStrictEqual(groups.map(names), [["web:a>b+", "web:c>d"], ["api:x>y"], ["api:p>q+", "api:r>s"]]);
  });

  const cuts: Array<[string[], number, number]> = [
    [["web:a>b+", "web:c>d", "web:e>f+", "web:g>h"], 3, 2],
    [["web:a>b+", "web:c>d", "web:e>f+", "web:g>h"], 4, 4],
    [["web:a>b+", "web:c>d"], 1, 0],
    [["web:a>b", "web:c>d", "web:e>f"], 2, 2],
  ];
  for (const [specs, room, taken] of cuts) {
    it(`maximumPercent room for ${room} extra tasks: of ${specs.join(" ")}, the surge takes ${taken} (whole groups only)`, () => {
      assert.strictEqual(wholeGroupsWithin(specs.map(move), room), taken);
    });
  }
});
