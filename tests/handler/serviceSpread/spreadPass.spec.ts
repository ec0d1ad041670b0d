import * as assert from "assert";
import type { PlacementStrategy } from "@aws-sdk/client-ecs";
import { SkipCode } from "../../../handler/eligibility";
import { readLedger } from "../../../handler/ledger";
import { Plan } from "../../../handler/planner";
import { readClusterState } from "../../../handler/serviceLayout";
import { planSpread } from "../../../handler/serviceSpread/spreadPass";
import { Snapshot } from "../../../handler/snapshot";
import { formatSurge, IGNORE_TAG, SURGE_TAG } from "../../../handler/surgeTag";
import { buildSnapshot, InstanceSpec, ServiceSpec, serviceArn, WEB_IDENTITY } from "../fixtures";
import { instanceIndex as index, planEveryService, skipOf } from "../plannedOutcomes";

/**
 * The service spread pass (handler/serviceSpread/spreadPass.ts) through the planner, as tables of
 * (instances, services) → moves: every service balanced by its own strategy with the fewest moves;
 * and the pass alone on the ledger it shares with the cluster load pass (the first table). The pass
 * has no args of its own (see spreadPass.ts): nothing to default or validate.
 */
const NOW = new Date("2026-03-01T12:00:00Z");
const TIMEOUT = 900;
const ZONE_ONLY: PlacementStrategy[] = [{ type: "spread", field: "attribute:ecs.availability-zone" }];
const INSTANCE_ONLY: PlacementStrategy[] = [{ type: "spread", field: "instanceId" }];

function plan(snapshot: Snapshot, now = NOW): Plan {
  return planEveryService(snapshot, now, TIMEOUT);
}

describe("service spread pass on the shared ledger (the pass alone)", () => {
  interface Case {
    name: string;
    instances: InstanceSpec[];
    services: ServiceSpec[];
    /** Moves as "service from→to" by instance index, `to` null where ECS picks in a group. */
    moves: string[];
    /** Tasks per instance on the ledger after the pass. */
    ledgerTasks: number[];
    balanced: string[];
    /** Surge actions by kind. */
    surges?: string[];
  }
  const RACK = [{ type: "spread" as const, field: "attribute:rack" }];
  const cases: Case[] = [
    {
      name: "(2,0) in one zone → 1 move 0→1; the ledger moves its task: loads (2,0) → (1,1)",
      instances: [{ zone: "a", tasks: { web: 2 } }, { zone: "a" }],
      services: [{ name: "web" }],
      moves: ["web 0→1"],
      ledgerTasks: [1, 1],
      balanced: [],
    },
    {
      name: "(1,1) is balanced → 0 moves, listed balanced (with its layout, for the load pass); the ledger is unchanged",
      instances: [
        { zone: "a", tasks: { web: 1 } },
        { zone: "a", tasks: { web: 1 } },
      ],
      services: [{ name: "web" }],
      moves: [],
      ledgerTasks: [1, 1],
      balanced: ["web"],
    },
    {
      name: "room for one task on the target: the first service (ARN order) takes it on the ledger, the second is balanced over what is left",
      instances: [
        { zone: "a", tasks: { "a-web": 2, "b-web": 2 } },
        { zone: "a", cpu: 128 },
      ],
      services: [{ name: "a-web" }, { name: "b-web" }],
      moves: ["a-web 0→1"],
      ledgerTasks: [3, 1],
      balanced: ["b-web"],
    },
    {
      name: "a custom attribute's group (ECS picks the instance) → to null; the ledger counts the task on the group's roomiest instance",
      instances: [
        { zone: "a", tasks: { web: 2 }, attributes: { rack: "r1" } },
        { zone: "a", attributes: { rack: "r2" } },
        { zone: "a", memory: 8000, attributes: { rack: "r2" } },
      ],
      services: [{ name: "web", strategy: RACK }],
      moves: ["web 0→null"],
      ledgerTasks: [1, 0, 1],
      balanced: [],
    },
    {
      name: "a surge of ours in flight is ended, not spread: nothing on the ledger",
      instances: [{ zone: "a", tasks: { web: 3 } }, { zone: "a" }],
      services: [{ name: "web", desiredCount: 3, tags: { [SURGE_TAG]: formatSurge({ from: 2, to: 3, startedAt: NOW }, WEB_IDENTITY) } }],
      moves: [],
      ledgerTasks: [3, 0],
      balanced: [],
      surges: ["complete"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const snapshot = buildSnapshot(c.instances, c.services);
      const cluster = readClusterState(snapshot.containerInstances, snapshot.tasks, snapshot.taskDefinitions);
      const ledger = readLedger(cluster.available, cluster.availableFree, cluster.availableLoad);
      const result = planSpread(snapshot.services, cluster, ledger, {
        now: NOW,
        surgeTimeoutSeconds: TIMEOUT,
        duplicateServiceNames: new Set(),
      });
      assert.deepStrictEqual(
        result.moves.map((m) => `${m.serviceName} ${index(m.from)}→${index(m.to)}`),
        c.moves,
      );
      assert.deepStrictEqual(ledger.tasks, c.ledgerTasks);
      assert.deepStrictEqual(
        result.balanced.map((b) => b.service.serviceName),
        c.balanced,
      );
      assert.deepStrictEqual(
        result.surges.map((s) => s.kind),
        c.surges ?? [],
      );
    });
  }
});

describe("service spread pass: descheduler-style counts (one zone, spread by instance)", () => {
  const cases: Array<[string, number[], number]> = [
    ["(5,3,1) on three instances → 2 moves", [5, 3, 1], 2],
    ["(2,0) on two instances → 1 move", [2, 0], 1],
    ["(1,1) on two instances → 0 moves (balanced)", [1, 1], 0],
    ["(3,3,2) on three instances → 0 moves (max−min ≤ 1)", [3, 3, 2], 0],
    ["(4,0,0,0) on four instances → 3 moves", [4, 0, 0, 0], 3],
    ["(6,6,0) on three instances → 4 moves", [6, 6, 0], 4],
  ];
  for (const [name, counts, moves] of cases) {
    it(name, () => {
      const snapshot = buildSnapshot(
        counts.map((n) => ({ zone: "a", tasks: n ? { web: n } : undefined })),
        [{ name: "web" }],
      );
      const result = plan(snapshot);
      assert.strictEqual(result.moves.length, moves);
      if (moves === 0) assert.deepStrictEqual(result.balanced, [serviceArn("web")]);
      const average = counts.reduce((a, b) => a + b, 0) / counts.length;
      for (const move of result.moves) assert.ok(counts[index(move.from)!] > average, "moves leave only instances above the average");
    });
  }

  it("zone then instance: (3,0,0 | 2,0) → 2 moves, not 3 (the zone whose extra task saves a move gets it)", () => {
    // at 50 % the moves stop first, so the whole distribution is planned in one wave (at 100 % see surgeLanding.spec.ts)
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "a" }, { zone: "b", tasks: { web: 2 } }, { zone: "b" }],
      [{ name: "web", minimumHealthyPercent: 50 }],
    );
    const result = plan(snapshot);
    assert.strictEqual(result.moves.length, 2);
    assert.deepStrictEqual(
      result.moves.map((m) => index(m.from)),
      [0, 0],
    );
  });
});

describe("service spread pass: a target that cannot take the task → 0 moves", () => {
  const two = (target: Partial<InstanceSpec>, services: ServiceSpec[] = [{ name: "web" }]) =>
    buildSnapshot(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", ...target },
      ],
      services,
    );
  const cases: Array<[string, Snapshot, { skip?: SkipCode; balanced?: boolean }]> = [
    ["target DRAINING → fewer-than-2-eligible-instances", two({ status: "DRAINING" }), { skip: "fewer-than-2-eligible-instances" }],
    [
      "target agent disconnected → fewer-than-2-eligible-instances",
      two({ agentConnected: false }),
      { skip: "fewer-than-2-eligible-instances" },
    ],
    ["target without cpu for one task → balanced over what fits", two({ cpu: 100 }), { balanced: true }],
    ["target without memory for one task → balanced over what fits", two({ memory: 100 }), { balanced: true }],
    [
      "target whose static host port is in use → balanced over what fits",
      buildSnapshot(
        [
          { zone: "a", tasks: { web: 1 } },
          { zone: "a", tasks: { web: 1 } },
          { zone: "b", tasks: { blocker: 1 } },
        ],
        [
          { name: "web", hostPort: 8080 },
          { name: "blocker", hostPort: 8080, tags: { [IGNORE_TAG]: "true" } },
        ],
      ),
      { balanced: true },
    ],
  ];
  for (const [name, snapshot, expected] of cases) {
    it(name, () => {
      const result = plan(snapshot);
      assert.deepStrictEqual(result.moves, []);
      if (expected.skip) assert.strictEqual(skipOf(result, "web"), expected.skip);
      if (expected.balanced) assert.ok(result.balanced.includes(serviceArn("web")));
    });
  }

  it("control: the same static-port layout with the port free → 1 move into zone b", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 1 } }, { zone: "a", tasks: { web: 1 } }, { zone: "b" }],
      [{ name: "web", hostPort: 8080 }],
    );
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => index(m.to)),
      [2],
    );
  });
});

describe("service spread pass: placement constraints and strategies", () => {
  it("memberOf: an instance outside the constraint is never a target", () => {
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { web: 4 }, attributes: { tier: "web" } },
        { zone: "b", attributes: { tier: "batch" } },
        { zone: "b", attributes: { tier: "web" } },
        { zone: "a", attributes: { tier: "batch" } },
      ],
      [{ name: "web", constraints: [{ type: "memberOf", expression: "attribute:tier == web" }] }],
    );
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => index(m.to)),
      [2, 2],
    );
  });

  it("memberOf that leaves one instance → fewer-than-2-eligible-instances", () => {
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { web: 2 }, attributes: { tier: "web" } },
        { zone: "b", attributes: { tier: "batch" } },
      ],
      [{ name: "web", constraints: [{ type: "memberOf", expression: "attribute:tier in [web, api]" }] }],
    );
    assert.strictEqual(skipOf(plan(snapshot), "web"), "fewer-than-2-eligible-instances");
  });

  it("distinctInstance: (4,0 | 0) → 2 moves to two different instances, not 3", () => {
    const instances: InstanceSpec[] = [{ zone: "a", tasks: { web: 4 } }, { zone: "a" }, { zone: "b" }];
    // at 50 % the moves stop first: all planned in one wave
    const distinct = plan(
      buildSnapshot(instances, [{ name: "web", minimumHealthyPercent: 50, constraints: [{ type: "distinctInstance" }] }]),
    );
    assert.deepStrictEqual(distinct.moves.map((m) => index(m.to)).sort(), [1, 2]);
    assert.strictEqual(
      plan(buildSnapshot(instances, [{ name: "web", minimumHealthyPercent: 50 }])).moves.length,
      3,
      "control: without the constraint",
    );
  });

  const zoneOnly: Array<[string, PlacementStrategy[]]> = [
    ["a zone-only strategy", ZONE_ONLY],
    ["no strategy (ECS's default is zone spread)", []],
  ];
  for (const [name, strategy] of zoneOnly) {
    it(`${name}: ECS's in-zone choice is the instance with the fewest tasks, so (2,0 | 0,0) → 1 move to an instance of b`, () => {
      const snapshot = buildSnapshot(
        [{ zone: "a", tasks: { web: 2 } }, { zone: "a" }, { zone: "b" }, { zone: "b" }],
        [{ name: "web", strategy }],
      );
      const result = plan(snapshot);
      assert.deepStrictEqual(
        result.moves.map((m) => [index(m.from), index(m.to), m.toGroup[0]]),
        [[0, 2, "b"]],
      );
    });

    it(`${name}: balanced by zone but not within it, (2,0 | 1,1) → 1 move inside zone a`, () => {
      const snapshot = buildSnapshot(
        [{ zone: "a", tasks: { web: 2 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }, { zone: "b", tasks: { web: 1 } }],
        [{ name: "web", strategy }],
      );
      assert.deepStrictEqual(
        plan(snapshot).moves.map((m) => [index(m.from), index(m.to)]),
        [[0, 1]],
      );
    });
  }

  it("instance-only strategy: zones are ignored, (2,0) in one zone → 1 move to the instance", () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "a" }], [{ name: "web", strategy: INSTANCE_ONLY }]);
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => index(m.to)),
      [1],
    );
  });

  it("the surplus task leaves the instance with the most tasks in total (spread by instance)", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 2 } }, { zone: "a", tasks: { web: 2, other: 3 } }, { zone: "a" }],
      [{ name: "web" }, { name: "other", tags: { [IGNORE_TAG]: "true" } }],
    );
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => index(m.from)),
      [1],
    );
  });

  it("the surplus task leaves the instance with the most tasks in total (zone only)", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 1, other: 3 } }, { zone: "a", tasks: { web: 1 } }, { zone: "b" }, { zone: "b", tasks: { web: 0 } }],
      [
        { name: "web", strategy: ZONE_ONLY },
        { name: "other", tags: { [IGNORE_TAG]: "true" } },
      ],
    );
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => index(m.from)),
      [0],
    );
  });

  it("many empty instances: the task goes to the least busy one, even when it is last in ARN order", () => {
    // web has 2 tasks, so the planner keeps only 2 empty instances per zone in view; the least busy
    // (instance 4, no other task) must be among them although three emptier-ARN instances precede it
    const other = { name: "other", tags: { [IGNORE_TAG]: "true" } };
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { other: 3 } },
        { zone: "b", tasks: { other: 2 } },
        { zone: "b", tasks: { other: 1 } },
        { zone: "b" },
        { zone: "a", tasks: { other: 1 } },
      ],
      [{ name: "web" }, other],
    );
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => [index(m.from), index(m.to)]),
      [[0, 4]],
    );
  });

  it("the moved task is the youngest on its instance", () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 3 } }, { zone: "b" }], [{ name: "web" }]);
    const [move] = plan(snapshot).moves;
    const youngest = [...snapshot.tasks].sort((a, b) => b.startedAt!.getTime() - a.startedAt!.getTime())[0];
    assert.strictEqual(move.taskArn, youngest.taskArn);
  });
});

describe("service spread pass: services competing for the same free room", () => {
  it("room for one task on the target: the first service (ARN order) takes it, the second is balanced", () => {
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { "a-web": 2, "b-web": 2 } },
        { zone: "a", cpu: 128 },
      ],
      [{ name: "a-web" }, { name: "b-web" }],
    );
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => [m.serviceName, index(m.to)]),
      [["a-web", 1]],
    );
    assert.deepStrictEqual(result.balanced, [serviceArn("b-web")]);
  });

  it("zone-only additions reserve room on instances that still have it, so a later service does not count on it", () => {
    // zone b has room for exactly two tasks, one on each instance (cpu 128 each)
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { "a-web": 4, "b-web": 2 } },
        { zone: "b", cpu: 128 },
        { zone: "b", cpu: 128, memory: 256 },
      ],
      [{ name: "a-web", strategy: ZONE_ONLY }, { name: "b-web" }],
    );
    const result = plan(snapshot);
    const intoZoneB = result.moves.filter((m) => m.toGroup[0] === "b");
    assert.deepStrictEqual(
      intoZoneB.map((m) => m.serviceName),
      ["a-web", "a-web"],
    );
    assert.deepStrictEqual(result.balanced, [serviceArn("b-web")]);
  });
});

describe("service spread pass: ECS's AZ rebalancing ENABLED owns the zone level", () => {
  const enabled = (strategy?: PlacementStrategy[]): ServiceSpec => ({
    name: "web",
    strategy,
    patch: { availabilityZoneRebalancing: "ENABLED" },
  });
  const zoneOf = (snapshot: Snapshot, arn: string | null) =>
    snapshot.containerInstances.find((i) => i.containerInstanceArn === arn)?.attributes?.find((a) => a.name === "ecs.availability-zone")
      ?.value;

  it("zones even (2 | 2), instances uneven within zone a (2,0) → 1 move inside zone a", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 2 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }, { zone: "b", tasks: { web: 1 } }],
      [enabled()],
    );
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => [index(m.from), index(m.to)]),
      [[0, 1]],
    );
  });
  it("zones within one (3 | 2), instances uneven in both, at 100 % (moves are surges) → only zone b's move: ECS gives a surge's extra task to the emptiest zone, b", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "a" }, { zone: "b", tasks: { web: 2 } }, { zone: "b" }],
      [enabled()],
    );
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => zoneOf(snapshot, m.from)),
      ["b"],
    );
  });
  it("(3,0 | 1,1) with only zone a uneven, at 100 % → one relocation: the extra task lands in b (ECS's choice), a task leaves a's 3; zones stay within one", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }, { zone: "b", tasks: { web: 1 } }],
      [enabled()],
    );
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => [index(m.from), m.to, m.toGroup]),
      [[0, null, ["b"]]],
    );
  });
  it("(2,0 | 1) at 100 % → one relocation: the extra task lands on b's one instance and a task leaves a's 2, which ends the service balanced (1,0 | 2)", () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }], [enabled()]);
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => [index(m.from), m.to, m.toGroup]),
      [[0, null, ["b"]]],
    );
  });
  it("(2,2,0 | 1,1,1) at 100 % → no move, skipped surge-cannot-land: the extra task would land in b, and a relocation leaves a uneven (1,2,0) while the squares' sum stays 11", () => {
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "a", tasks: { web: 2 } },
        { zone: "a" },
        { zone: "b", tasks: { web: 1 } },
        { zone: "b", tasks: { web: 1 } },
        { zone: "b", tasks: { web: 1 } },
      ],
      [enabled()],
    );
    const result = plan(snapshot);
    assert.deepStrictEqual(result.moves, []);
    assert.deepStrictEqual(
      result.skipped.map((s) => s.reason),
      ["surge-cannot-land"],
    );
  });
  it("zones within one (3 | 2) with instances uneven in both zones, at 50 % (moves stop first) → moves stay in their zone, no zone count changes", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "a" }, { zone: "b", tasks: { web: 2 } }, { zone: "b" }],
      [{ ...enabled(), minimumHealthyPercent: 50 }],
    );
    const result = plan(snapshot);
    assert.strictEqual(result.moves.length, 3);
    for (const move of result.moves)
      assert.strictEqual(zoneOf(snapshot, move.from), zoneOf(snapshot, move.to), "a move never crosses zones");
    assert.strictEqual(result.moves.filter((m) => zoneOf(snapshot, m.from) === "a").length, 2);
  });
  it("control: the same cluster with AZ rebalancing DISABLED moves a task between zones", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }, { zone: "b" }],
      [{ name: "web" }],
    );
    const result = plan(snapshot);
    assert.ok(result.moves.some((m) => zoneOf(snapshot, m.from) !== zoneOf(snapshot, m.to)));
  });
  it("zone uneven but the other zone has no room → not ECS's to fix: within-zone balance goes on", () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "b", cpu: 64 }], [enabled()]);
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => [index(m.from), index(m.to)]),
      [[0, 1]],
    );
  });
  it("zone-only strategy, zones even, (2,0) inside zone a → 1 move inside a (ECS's rebalancing never looks inside a zone; its placement there is documented: the fewest tasks of the service)", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 2 } }, { zone: "a" }, { zone: "b", tasks: { web: 2 } }],
      [enabled(ZONE_ONLY)],
    );
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => [index(m.from), index(m.to)]),
      [[0, 1]],
    );
  });
  const incompatible: Array<[string, Partial<ServiceSpec>]> = [
    ["maximumPercent 100 (ECS cannot start before it stops)", { maximumPercent: 100, minimumHealthyPercent: 50 }],
    [
      "a placement constraint on the zone",
      { constraints: [{ type: "memberOf", expression: "attribute:ecs.availability-zone in [a, b]" }] },
    ],
  ];
  for (const [name, spec] of incompatible) {
    it(`ENABLED but ${name}: ECS does not rebalance it, so the zone move is ours`, () => {
      const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [{ ...enabled(), ...spec }]);
      const result = plan(snapshot);
      assert.strictEqual(result.moves.length, 1, JSON.stringify(result.skipped));
      assert.notStrictEqual(zoneOf(snapshot, result.moves[0].from), zoneOf(snapshot, result.moves[0].to));
    });
  }

  it("instance-only strategy is not compatible with ECS's rebalancing: ENABLED or not, the move is ours", () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [enabled(INSTANCE_ONLY)]);
    assert.strictEqual(plan(snapshot).moves.length, 1);
  });
});
