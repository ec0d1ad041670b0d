import * as assert from "assert";
import fc from "fast-check";
import { Plan, planMoves } from "../../handler/planner";
import { Snapshot } from "../../handler/snapshot";
import { dedupeSnapshot } from "../../handler/snapshotDedupe";
import { buildSnapshot, serviceArn, ZONE_THEN_INSTANCE } from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
const plan = (snapshot: Snapshot) => planMoves(snapshot, { now: NOW, surgeTimeoutSeconds: 900 });
const INSTANCE_ONLY = [{ type: "spread" as const, field: "instanceId" }];
/** Every task a plan would stop: new moves and the stops of surges it completes. */
const stopsOf = (p: Plan) => [...p.moves, ...p.surges.flatMap((s) => (s.kind === "complete" ? s.stop : []))];

function base(): Snapshot {
  return buildSnapshot(
    [{ zone: "a", tasks: { web: 4, api: 3 } }, { zone: "a" }, { zone: "b", tasks: { api: 1 } }],
    [
      { name: "web", strategy: INSTANCE_ONLY, minimumHealthyPercent: 50 },
      { name: "api", strategy: ZONE_THEN_INSTANCE },
    ],
  );
}

describe("snapshot: duplicate entries", () => {
  const cases: Array<[string, (s: Snapshot) => Snapshot]> = [
    ["an instance listed twice", (s) => ({ ...s, containerInstances: [...s.containerInstances, s.containerInstances[1]] })],
    ["a service listed twice (same ARN)", (s) => ({ ...s, services: [...s.services, s.services[0]] })],
    ["a task listed twice", (s) => ({ ...s, tasks: [...s.tasks, s.tasks[0]] })],
    [
      "everything listed twice",
      (s) => ({
        ...s,
        containerInstances: [...s.containerInstances, ...s.containerInstances],
        services: [...s.services, ...s.services],
        tasks: [...s.tasks, ...s.tasks],
      }),
    ],
  ];
  for (const [name, duplicate] of cases) {
    it(`${name} → the same plan as the list without duplicates`, () => {
      assert.deepStrictEqual(plan(duplicate(base())), plan(base()));
      assert.ok(plan(base()).moves.length > 0, "the control plan moves tasks");
    });
  }

  it("an entry listed twice keeps its most recent view (the higher version)", () => {
    const snapshot = base();
    const older = { ...snapshot.tasks[0], version: 3, lastStatus: "PENDING" };
    const newer = { ...snapshot.tasks[0], version: 4, lastStatus: "RUNNING" };
    const { snapshot: unique } = dedupeSnapshot({ ...snapshot, tasks: [newer, ...snapshot.tasks.slice(1), older] });
    assert.strictEqual(unique.tasks.length, snapshot.tasks.length);
    assert.strictEqual(unique.tasks.find((t) => t.taskArn === newer.taskArn)!.lastStatus, "RUNNING");
  });

  it("two service ARNs with one name (their tasks cannot be told apart) → both skipped duplicate-service-name", () => {
    const snapshot = base();
    const twin = { ...snapshot.services[0], serviceArn: `${serviceArn("web")}-old` };
    const result = plan({ ...snapshot, services: [...snapshot.services, twin] });
    assert.deepStrictEqual(
      result.skipped.map((s) => [s.serviceName, s.reason]),
      [
        ["web", "duplicate-service-name"],
        ["web", "duplicate-service-name"],
      ],
    );
    assert.ok(result.moves.every((m) => m.serviceName !== "web"));
  });

  it("property: whatever is listed twice, no move goes from an instance to itself and no task is stopped twice", () => {
    const layouts = fc.record({
      web: fc.array(fc.nat(4), { minLength: 4, maxLength: 4 }),
      api: fc.array(fc.nat(4), { minLength: 4, maxLength: 4 }),
      percent: fc.constantFrom(0, 50, 100),
      repeats: fc.record({ instances: fc.array(fc.nat(3)), services: fc.array(fc.nat(1)), tasks: fc.array(fc.nat(40)) }),
    });
    fc.assert(
      fc.property(layouts, ({ web, api, percent, repeats }) => {
        const zones = ["a", "a", "b", "b"];
        const snapshot = buildSnapshot(
          zones.map((zone, i) => ({
            zone,
            tasks: Object.fromEntries(
              [
                ["web", web[i]],
                ["api", api[i]],
              ].filter(([, n]) => n),
            ),
          })),
          [
            { name: "web", strategy: INSTANCE_ONLY, minimumHealthyPercent: percent },
            { name: "api", strategy: ZONE_THEN_INSTANCE },
          ],
        );
        const pick = <T>(list: T[], at: number[]) => at.filter((i) => i < list.length).map((i) => list[i]);
        const listed: Snapshot = {
          ...snapshot,
          containerInstances: [...snapshot.containerInstances, ...pick(snapshot.containerInstances, repeats.instances)],
          services: [...snapshot.services, ...pick(snapshot.services, repeats.services)],
          tasks: [...snapshot.tasks, ...pick(snapshot.tasks, repeats.tasks)],
        };
        const stops = stopsOf(plan(listed));
        assert.ok(
          stops.every((m) => m.from !== m.to),
          "a move from an instance to itself",
        );
        assert.strictEqual(new Set(stops.map((m) => m.taskArn)).size, stops.length, "a task moved twice");
      }),
      { numRuns: 300 },
    );
  });
});
