import * as assert from "assert";
import type { Task } from "@aws-sdk/client-ecs";
import { Plan, planMoves } from "../../../handler/planner";
import { formatSurge, IGNORE_TAG, SURGE_TAG } from "../../../handler/surgeTag";
import { buildSnapshot, InstanceSpec, instanceArn, ServiceSpec, serviceArn, WEB_IDENTITY } from "../fixtures";

/**
 * The cluster load pass through the planner, as tables of (instances, services, band) → load
 * moves. "fixed" is a service tagged ignore: its tasks count as load and never move. Where a case
 * names loads in one zone, a one-instance zone "b" holds two more tasks of the service, so zone a
 * is the service's emptiest zone and ECS would start its task there.
 */
const B = (tasks: Record<string, number>): InstanceSpec => ({ zone: "b", tasks });
const FIXED: ServiceSpec = { name: "fixed", tags: { [IGNORE_TAG]: "true" } };
const ZONE_ONLY = [{ type: "spread" as const, field: "attribute:ecs.availability-zone" }];

interface Case {
  name: string;
  instances: InstanceSpec[];
  services: ServiceSpec[];
  band?: number;
  /** Load moves as "service from→to" by instance index. */
  expected: string[];
}

function loadMoves(plan: Plan): string[] {
  const index = (arn: string | null) => Number(arn!.slice(-32));
  return plan.moves
    .filter((m) => m.pass === "load")
    .map((m) => `${m.serviceName} ${index(m.from)}→${index(m.to)}${m.filler ? " filler" : ""}`);
}

function plan(instances: InstanceSpec[], services: ServiceSpec[], band = 1): Plan {
  return planMoves(buildSnapshot(instances, [FIXED, ...services]), {
    now: new Date(0),
    surgeTimeoutSeconds: 900,
    clusterLoad: { bandTasks: band, pinMoves: false },
  });
}

const twelveTwoTaskServices: ServiceSpec[] = Array.from({ length: 12 }, (_, i) => ({ name: `svc-${String(i).padStart(2, "0")}` }));
const oneEach = Object.fromEntries(twelveTwoTaskServices.map((s) => [s.name, 1]));

// clusters planned both unpinned (this table) and pinned (the pinned table below)
/** web (1, 0 | 1, 0), fixed (2, 0 | 0, 1): zones tied, a gain in a only. */
const TIED_ZONES_GAIN_IN_A: InstanceSpec[] = [
  { zone: "a", tasks: { fixed: 2, web: 1 } },
  { zone: "a" },
  { zone: "b", tasks: { web: 1 } },
  { zone: "b", tasks: { fixed: 1 } },
];
/** web (1, 0 | 1, 0), fixed (2, 0 | 2, 0): zones tied, a gain in each. */
const TIED_ZONES_GAIN_IN_EACH: InstanceSpec[] = [
  { zone: "a", tasks: { fixed: 2, web: 1 } },
  { zone: "a" },
  { zone: "b", tasks: { fixed: 2, web: 1 } },
  { zone: "b" },
];
/** web (1, 0, 0 | 2), loads (4, 0, 2): ECS's pick between instances 1 and 2 is a coin flip. */
const TIES_OF_UNEQUAL_LOAD: InstanceSpec[] = [
  { zone: "a", tasks: { fixed: 3, web: 1 } },
  { zone: "a" },
  { zone: "a", tasks: { fixed: 2 } },
  B({ web: 2 }),
];

const cases: Case[] = [
  {
    name: "loads (3,1) in one zone, a service (1,0) → 1 move to the emptier instance",
    instances: [{ zone: "a", tasks: { fixed: 2, web: 1 } }, { zone: "a", tasks: { fixed: 1 } }, B({ web: 2 })],
    services: [{ name: "web", strategy: ZONE_ONLY }],
    expected: ["web 0→1"],
  },
  {
    name: "loads (2,1) are within one task of each other → 0 moves (a small difference moves nothing)",
    instances: [{ zone: "a", tasks: { fixed: 1, web: 1 } }, { zone: "a", tasks: { fixed: 1 } }, B({ web: 2 })],
    services: [{ name: "web" }],
    expected: [],
  },
  {
    name: "band 2: loads (4,1,1) average 2, 4 is not strictly within 2 of it → 1 move",
    instances: [
      { zone: "a", tasks: { fixed: 3, web: 1 } },
      { zone: "a", tasks: { fixed: 1 } },
      { zone: "a", tasks: { fixed: 1 } },
      B({ web: 2 }),
    ],
    services: [{ name: "web" }],
    band: 2,
    expected: ["web 0→1"],
  },
  {
    name: "band 0 turns the pass off: loads (3,1) → 0 moves",
    instances: [{ zone: "a", tasks: { fixed: 2, web: 1 } }, { zone: "a", tasks: { fixed: 1 } }, B({ web: 2 })],
    services: [{ name: "web" }],
    band: 0,
    expected: [],
  },
  {
    name: "12 two-task services on (12, 0 | 12, 0) → 6 moves per zone, one per service and zone, every instance at 6",
    instances: [{ zone: "a", tasks: oneEach }, { zone: "a" }, { zone: "b", tasks: oneEach }, { zone: "b" }],
    services: twelveTwoTaskServices,
    expected: twelveTwoTaskServices
      .slice(0, 6)
      .flatMap((s) => [`${s.name} 0→1`])
      .concat(twelveTwoTaskServices.slice(0, 6).map((s) => `${s.name} 2→3`))
      .sort(),
  },
  {
    name: "the zone holding the service's extra task is not its emptiest: ECS would start the task in zone b, whose one instance would leave its band → 0 moves",
    instances: [
      { zone: "a", tasks: { fixed: 2, web: 1 } },
      { zone: "a", tasks: { web: 1 } },
      { zone: "a" },
      { zone: "b", tasks: { web: 1 } },
    ],
    services: [{ name: "web" }],
    expected: [],
  },
  {
    name: "zones tied for the service, a gain in a only: b takes a swap (loads 1,0 → 0,1), so the surge adds a task to each zone → 2 moves",
    instances: [{ zone: "a", tasks: { fixed: 2, web: 1 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }, { zone: "b" }],
    services: [{ name: "web" }],
    expected: ["web 0→1", "web 2→3"],
  },
  {
    name: "zones tied for the service, a sure gain in a only, and no swap in b (its loads are equal, 1 and 1): b takes a filler, given up when the surge ends, so that the surge's task in a lands → 1 move and 1 filler",
    instances: TIED_ZONES_GAIN_IN_A,
    services: [{ name: "web" }],
    expected: ["web 0→1", "web 2→3 filler"],
  },
  {
    name: "a coin flip takes a filler too, once nothing surer is left: a's move lands on 1 (a gain) or 2 (load 4, as busy as the source: given up), b takes a filler → 1 move and 1 filler",
    instances: [
      { zone: "a", tasks: { fixed: 3, web: 1 } },
      { zone: "a" },
      { zone: "a", tasks: { fixed: 4 } },
      { zone: "b", tasks: { web: 1 } },
      { zone: "b", tasks: { fixed: 1 } },
    ],
    services: [{ name: "web" }],
    expected: ["web 0→1", "web 3→4 filler"],
  },
  {
    name: "a filler where no source is as light as every pick: b's only source (load 2) is lighter than one pick (3) and busier than the other (1); ECS's task lands on the 3 (given up) or the 1 (the named task stops: two loads swap), never a loss → 1 move and 1 filler",
    instances: [
      { zone: "a", tasks: { fixed: 2, web: 1 } },
      { zone: "a" },
      { zone: "b", tasks: { fixed: 1, web: 1 } },
      { zone: "b", tasks: { fixed: 1 } },
      { zone: "b", tasks: { fixed: 3 } },
    ],
    services: [{ name: "web" }],
    expected: ["web 0→1", "web 2→3 filler"],
  },
  {
    name: "control: a filler names a source no busier than where ECS will put the task: b's loads (2 with the service's task, 1 without) take a swap, not a filler",
    instances: [
      { zone: "a", tasks: { fixed: 2, web: 1 } },
      { zone: "a" },
      { zone: "b", tasks: { fixed: 1, web: 1 } },
      { zone: "b", tasks: { fixed: 1 } },
    ],
    services: [{ name: "web" }],
    expected: ["web 0→1", "web 2→3"],
  },
  {
    name: "zones tied for the service, a gain in each: one move in each, the surge adds one task to each zone",
    instances: TIED_ZONES_GAIN_IN_EACH,
    services: [{ name: "web" }],
    expected: ["web 0→1", "web 2→3"],
  },
  {
    name: "s1's emptiest zone is a (a 2 | b 3): its move in a is planned, not one in b (with a's move the zones would tie, and ECS would give the surge's second task to either)",
    instances: [
      { zone: "a", tasks: { fixed: 1, s0: 1, s1: 1 } },
      { zone: "a" },
      { zone: "a", tasks: { fixed: 1, s0: 1, s1: 1 } },
      { zone: "b", tasks: { fixed: 2, s0: 1, s1: 2 } },
      { zone: "b", tasks: { s1: 1 } },
    ],
    services: [{ name: "s0" }, { name: "s1" }],
    expected: ["s1 0→1", "s0 3→4"],
  },
  {
    name: "zones tied for s1, a gain in each: its two moves are planned together, so zone b's own order (s0 first) cannot leave one out → s1 in a and in b",
    instances: [
      { zone: "a", tasks: { s0: 1, s1: 1, s2: 1 } },
      { zone: "a", tasks: { s0: 1 } },
      { zone: "b", tasks: { s0: 1, s1: 1, s2: 1 } },
      { zone: "b" },
    ],
    services: [{ name: "s0" }, { name: "s1" }, { name: "s2" }],
    expected: ["s1 0→1", "s1 2→3"],
  },
  {
    name: "ECS's pick among equally empty instances is a coin flip: ties of unequal load (0 and 2), each at least 2 below the source (4), gain either way → 1 move",
    instances: TIES_OF_UNEQUAL_LOAD,
    services: [{ name: "web" }],
    expected: ["web 0→1"],
  },
  {
    name: "an even chance: a coin flip between loads 0 and 3 from a source of 4, when nothing surer is left → 1 move (a pick of the 3 is undone at completion)",
    instances: [{ zone: "a", tasks: { fixed: 3, web: 1 } }, { zone: "a" }, { zone: "a", tasks: { fixed: 3 } }, B({ web: 2 })],
    services: [{ name: "web" }],
    expected: ["web 0→1"],
  },
  {
    name: "less than an even chance: loads 0, 3 and 3 for ECS to pick from, from a source of 4 (one pick in three gains) → 0 moves",
    instances: [
      { zone: "a", tasks: { fixed: 3, web: 1 } },
      { zone: "a" },
      { zone: "a", tasks: { fixed: 3 } },
      { zone: "a", tasks: { fixed: 3 } },
      B({ web: 2 }),
    ],
    services: [{ name: "web" }],
    expected: [],
  },
  {
    name: "the service's emptiest zone is another (a 2 | b 1): its task moves from a's busiest instance (3) to b, where it stays in band (3, 2, 2 → 3, 3, 2); web is then a 1 | b 2",
    instances: [
      { zone: "a", tasks: { fixed: 2, web: 1 } },
      { zone: "a", tasks: { web: 1 } },
      { zone: "a" },
      { zone: "b", tasks: { fixed: 2, web: 1 } },
      { zone: "b", tasks: { fixed: 2 } },
      { zone: "b", tasks: { fixed: 2 } },
    ],
    services: [{ name: "web" }],
    expected: ["web 0→4"],
  },
  {
    name: "ties of equal load are as good as each other: loads (4,0,0) → 1 move, named on the first",
    instances: [{ zone: "a", tasks: { fixed: 3, web: 1 } }, { zone: "a" }, { zone: "a" }, B({ web: 2 })],
    services: [{ name: "web" }],
    expected: ["web 0→1"],
  },
  {
    name: "a service stays balanced: (1 on a full instance, 1, 1) gives nothing, though that instance is the busiest (it holds the fewest, not one more)",
    instances: [
      { zone: "a", cpu: 512, memory: 512, tasks: { fixed: 3, web: 1 } },
      { zone: "a", tasks: { web: 1 } },
      { zone: "a", tasks: { web: 1 } },
      B({ web: 3 }),
    ],
    services: [{ name: "web" }],
    expected: [],
  },
  {
    name: "binpack and DAEMON tasks are fixed load: loads (3,0) where only binpack tasks sit → 0 moves",
    instances: [{ zone: "a", tasks: { batch: 3 } }, { zone: "a" }],
    services: [{ name: "batch", strategy: [{ type: "binpack", field: "memory" }] }],
    expected: [],
  },
  {
    name: "a service the spread pass moves is left to it: (2,0) of web moves by spread, not by load",
    instances: [{ zone: "a", tasks: { fixed: 2, web: 2 } }, { zone: "a" }],
    services: [{ name: "web" }],
    expected: [],
  },
  {
    name: "mixed sizes: of two services on the busiest instance, the one whose move evens CPU and memory shares moves",
    instances: [{ zone: "a", tasks: { fixed: 1, small: 1, large: 1 } }, { zone: "a" }, B({ small: 2, large: 2 })],
    services: [
      { name: "small", cpu: 16, memory: 16 },
      { name: "large", cpu: 512, memory: 1024 },
    ],
    expected: ["large 0→1"],
  },
];

describe("cluster load pass (table)", () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = plan(c.instances, c.services, c.band);
      assert.deepStrictEqual(loadMoves(result).sort(), [...c.expected].sort());
    });
  }

  it("band 3 leaves loads (4,1,1) alone (control for the band 2 case)", () => {
    const result = plan(
      [{ zone: "a", tasks: { fixed: 3, web: 1 } }, { zone: "a", tasks: { fixed: 1 } }, { zone: "a", tasks: { fixed: 1 } }, B({ web: 2 })],
      [{ name: "web" }],
      3,
    );
    assert.deepStrictEqual(loadMoves(result), []);
  });

  it("the pass waits while a surge is in flight: loads are still changing, so it is held with the reason", () => {
    const instances: InstanceSpec[] = [
      { zone: "a", tasks: { fixed: 2, web: 1, api: 2 } },
      { zone: "a", tasks: { fixed: 1, api: 1 } },
    ];
    const surging: ServiceSpec = {
      name: "api",
      desiredCount: 3,
      tags: { [SURGE_TAG]: formatSurge({ from: 2, to: 3, startedAt: new Date(0) }, { serviceArn: serviceArn("api") }) },
    };
    const snapshot = buildSnapshot(instances, [FIXED, { name: "web" }, surging]);
    snapshot.tasks.find((t) => t.group === "service:api")!.lastStatus = "PENDING";
    const result = planMoves(snapshot, { now: new Date(60_000), surgeTimeoutSeconds: 900 });
    assert.deepStrictEqual(loadMoves(result), []);
    assert.match(result.load.held ?? "", /api is surge-in-flight/);
  });

  const completions: Array<[string, number, number]> = [
    ["the extra task landed on the target: the busier source gives, the move is done", 2, 0],
    ["the source is the quieter one now (loads 1 and 3): the busiest holder gives instead, by the same objective", 0, 1],
  ];
  for (const [name, fixedOnSource, expectedFrom] of completions) {
    it(`surge completion after a load move: ${name}`, () => {
      // web was surged 2 → 3 for a load move 0 → 1; ECS placed the extra task on instance 1
      const instances: InstanceSpec[] = [
        { zone: "a", tasks: { fixed: fixedOnSource, web: 1 } },
        { zone: "a", tasks: { fixed: 2 - fixedOnSource + (fixedOnSource === 0 ? 1 : 0), web: 1 } },
        B({ web: 1 }),
      ];
      const surging: ServiceSpec = {
        name: "web",
        desiredCount: 3,
        tags: { [SURGE_TAG]: formatSurge({ from: 2, to: 3, startedAt: new Date(0) }, WEB_IDENTITY) },
      };
      const result = planMoves(buildSnapshot(instances, [FIXED, surging]), { now: new Date(60_000), surgeTimeoutSeconds: 900 });
      const [completion] = result.surges;
      assert.strictEqual(completion.kind, "complete");
      if (completion.kind !== "complete") return;
      assert.deepStrictEqual(
        completion.stop.map((m) => Number(m.from.slice(-32))),
        [expectedFrom],
      );
    });
  }

  it("a coin-flip move names every instance ECS may pick; a second flip onto the same instances runs beside it when it gains with the first's picks at their busiest", () => {
    // web and api each hold one task in zone a, on instance 0 (load 8); instances 1 (0) and 2 (2) hold none of either.
    // web's flip may put its task on 2 instead of 1: api is judged with 2 at 3 and 1 at 1, still a gain from 7 either way
    const result = plan(
      [{ zone: "a", tasks: { fixed: 6, web: 1, api: 1 } }, { zone: "a" }, { zone: "a", tasks: { fixed: 2 } }, B({ web: 2, api: 2 })],
      [{ name: "web" }, { name: "api" }],
    );
    const moves = result.moves.filter((m) => m.pass === "load");
    assert.deepStrictEqual(loadMoves(result).sort(), ["api 0→1", "web 0→1"]);
    for (const move of moves) {
      assert.deepStrictEqual(
        move.landsOn?.map((arn) => Number(arn.slice(-32))),
        [1, 2],
        `${move.serviceName} names both picks`,
      );
    }
  });

  it("a later flip is judged with an earlier flip's pick at its busiest: api's picks 2 (3) and 4 (4) from a source of 5 are half a gain on the ledger, none once web may land on 2 → api waits", () => {
    // web flips off 0 (load 6) to 1 (1) or 2 (3), a gain either way; the ledger puts it on 1, but 2 may end at 4
    const result = plan(
      [
        { zone: "a", tasks: { fixed: 4, web: 1, api: 1 } },
        { zone: "a", tasks: { api: 1 } },
        { zone: "a", tasks: { fixed: 3 } },
        { zone: "a", tasks: { fixed: 3, web: 1, api: 1 } },
        { zone: "a", tasks: { fixed: 3, web: 1 } },
        B({ web: 4, api: 4 }),
      ],
      [{ name: "web" }, { name: "api" }],
    );
    assert.deepStrictEqual(loadMoves(result), ["web 0→1"]);
  });

  it("control: in a plan where the spread pass moves a task too, a coin flip keeps its picks to itself: the same web and api, and lop (2 | 0) moved to zone b → web's flip only", () => {
    // lop's move takes one task off instance 2 (4 → 3); web's flip to 1 or 2 still gains from 8;
    // api's would too, but its picks are web's, kept out of the rest of a plan with spread moves
    const result = plan(
      [
        { zone: "a", tasks: { fixed: 6, web: 1, api: 1 } },
        { zone: "a" },
        { zone: "a", tasks: { fixed: 2, lop: 2 } },
        B({ web: 2, api: 2 }),
      ],
      [{ name: "web" }, { name: "api" }, { name: "lop" }],
    );
    assert.deepStrictEqual(
      result.moves.filter((m) => m.pass === "spread").map((m) => m.serviceName),
      ["lop"],
    );
    assert.strictEqual(loadMoves(result).length, 1, `planned ${loadMoves(result)}`);
    assert.deepStrictEqual(
      result.moves.find((m) => m.pass === "load")!.landsOn?.map((arn) => Number(arn.slice(-32))),
      [1, 2],
    );
  });

  it("a coin flip that may be undone leaves its source's load open: s1's move, whose picks include s0's source, is judged with it at its busiest (an even chance, named as a flip)", () => {
    // one zone, loads 3, 7, 5, 7, 7, 5. s0 moves off 1 by a coin flip among 0 (3), 3 (7) and 5 (5):
    // a pick of 3 (as busy as the source) is undone and 1 keeps its task, so 1 may end at 6 or 7.
    // s1's move off 3 (7) lands on 1 or 2 (5): with 1 at 7 only 2 gains, half the picks
    const result = planMoves(
      buildSnapshot(
        [
          { zone: "a", tasks: { fixed: 1, s1: 1, s3: 1 } },
          { zone: "a", tasks: { fixed: 5, s0: 1, s2: 1 } },
          { zone: "a", tasks: { fixed: 4, s0: 1 } },
          { zone: "a", tasks: { fixed: 5, s1: 1, s2: 1 } },
          { zone: "a", tasks: { fixed: 5, s0: 1, s1: 1 } },
          { zone: "a", tasks: { fixed: 4, s1: 1 } },
        ],
        [FIXED, { name: "s0" }, { name: "s1" }, { name: "s2" }, { name: "s3" }],
      ),
      { now: new Date(0), surgeTimeoutSeconds: 900, clusterLoad: { bandTasks: 1, pinMoves: false } },
    );
    assert.deepStrictEqual(loadMoves(result), ["s0 1→0", "s1 3→2"]);
    assert.deepStrictEqual(
      result.moves.map((m) => m.landsOn?.map((arn) => Number(arn.slice(-32)))),
      [
        [0, 3, 5],
        [1, 2],
      ],
    );
  });

  it("a useful move that would not land is reported with its reason, not planned", () => {
    const coinFlip = plan(
      [
        { zone: "a", tasks: { fixed: 3, web: 1 } },
        { zone: "a" },
        { zone: "a", tasks: { fixed: 3 } },
        { zone: "a", tasks: { fixed: 3 } },
        B({ web: 2 }),
      ],
      [{ name: "web" }],
    );
    assert.deepStrictEqual(coinFlip.load.unlandable, { "coin-flip": 1, "other-zone-emptier": 0, "zone-tie": 0 });
    const otherZone = plan(
      [{ zone: "a", tasks: { fixed: 2, web: 1 } }, { zone: "a", tasks: { web: 1 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }],
      [{ name: "web" }],
    );
    assert.deepStrictEqual(otherZone.load.unlandable, { "coin-flip": 0, "other-zone-emptier": 1, "zone-tie": 0 });
  });

  it("the report: per zone, each instance's load before and after, and the band after", () => {
    const result = plan([{ zone: "a", tasks: { fixed: 2, web: 1 } }, { zone: "a", tasks: { fixed: 1 } }, B({ web: 2 })], [{ name: "web" }]);
    const [zone] = result.load.zones;
    assert.deepStrictEqual(
      { zone: zone.zone, low: zone.low, high: zone.high, tasks: zone.instances.map((i) => [i.before.tasks, i.after.tasks]) },
      {
        zone: "a",
        low: 2,
        high: 2,
        tasks: [
          [3, 2],
          [1, 2],
        ],
      },
    );
    assert.ok(zone.instances[0].after.cpuShare < zone.instances[0].before.cpuShare);
  });

  const leaving: Array<[string, (webOnSource: Task[]) => Task]> = [
    ["the youngest", (web) => web[web.length - 1]],
    ["an UNHEALTHY task before a younger healthy one", (web) => Object.assign(web[0], { healthStatus: "UNHEALTHY" as const })],
  ];
  for (const [name, pick] of leaving) {
    it(`a load move takes the task leavingTask.ts puts first on its source: ${name}`, () => {
      // web (2,1 | 4) is balanced; zone a's loads (4,1) put instance 0 over the band
      const snapshot = buildSnapshot(
        [{ zone: "a", tasks: { fixed: 2, web: 2 } }, { zone: "a", tasks: { web: 1 } }, B({ web: 4 })],
        [FIXED, { name: "web" }],
      );
      const onSource = snapshot.tasks.filter((t) => t.group === "service:web" && t.containerInstanceArn === instanceArn(0));
      const expected = pick(onSource);
      const result = planMoves(snapshot, { now: new Date(0), surgeTimeoutSeconds: 900 });
      assert.deepStrictEqual(
        result.moves.map((m) => [m.pass, m.taskArn]),
        [["load", expected.taskArn]],
      );
    });
  }

  it("a spread move takes the task leavingTask.ts puts first too: the youngest", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { fixed: 1, web: 2 } }, { zone: "a", tasks: { web: 1 } }, { zone: "a", tasks: { web: 1 } }, { zone: "a" }],
      [FIXED, { name: "web", desiredCount: 4 }],
    );
    // web (2,1,1,0) is not balanced: let the spread pass do its move, then check which task it took
    const result = planMoves(snapshot, { now: new Date(0), surgeTimeoutSeconds: 900 });
    const onFirst = snapshot.tasks.filter(
      (t) => t.group === "service:web" && t.containerInstanceArn === snapshot.containerInstances[0].containerInstanceArn,
    );
    const youngest = onFirst.sort((a, b) => (b.startedAt as Date).getTime() - (a.startedAt as Date).getTime())[0];
    assert.deepStrictEqual(
      result.moves.map((m) => m.taskArn),
      [youngest.taskArn],
    );
  });
});

/**
 * Pinned moves (clusterLoad/args.ts pinMoves, the default; surgePin.ts): the started task can land
 * only on its target, so the cases above that needed a partner, a filler or a coin flip become one
 * certain move each, to the lightest instance that keeps the service balanced.
 */
describe("cluster load pass, pinned moves (table)", () => {
  const pinned = (instances: InstanceSpec[], services: ServiceSpec[]) =>
    planMoves(buildSnapshot(instances, [FIXED, ...services]), { now: new Date(0), surgeTimeoutSeconds: 900 });
  const described = (result: Plan) =>
    result.moves
      .filter((m) => m.pass === "load")
      .map((m) =>
        `${m.serviceName} ${Number(m.from.slice(-32))}→${Number(m.to!.slice(-32))} pin ${m.pin} ${m.landsOn ? "flip" : ""}${m.filler ? "filler" : ""}`.trim(),
      );
  // web (1, 1, 0 | 1) with loads (3, 1, 0 | 1): a's busiest instance gives to its emptiest
  const oddInZoneA: InstanceSpec[] = [
    { zone: "a", tasks: { fixed: 2, web: 1 } },
    { zone: "a", tasks: { web: 1 } },
    { zone: "a" },
    B({ web: 1 }),
  ];
  const tenConstraints = Array.from({ length: 10 }, () => ({ type: "memberOf" as const, expression: "attribute:tier != batch" }));
  const cases: Array<{ name: string; instances: InstanceSpec[]; services: ServiceSpec[]; expected: string[] }> = [
    {
      name: "zones tied, a gain in a only (unpinned: a filler in b) → 1 pinned move, no filler",
      instances: TIED_ZONES_GAIN_IN_A,
      services: [{ name: "web" }],
      expected: ["web 0→1 pin i-00000000000000001"],
    },
    {
      name: "two instances tie for the service's fewest with loads 0 and 4 (unpinned: a coin flip) → pinned to the 0",
      instances: [{ zone: "a", tasks: { fixed: 3, web: 1 } }, { zone: "a" }, { zone: "a", tasks: { fixed: 4 } }, B({ web: 2 })],
      services: [{ name: "web" }],
      expected: ["web 0→1 pin i-00000000000000001"],
    },
    {
      name: "a service in both zones moves once per plan: its second zone waits (a second pin's zone would be a coin flip)",
      instances: TIED_ZONES_GAIN_IN_EACH,
      services: [{ name: "web" }],
      expected: ["web 0→1 pin i-00000000000000001"],
    },
    {
      name: "zone a holds web's extra task (2 | 1) and ECS's AZ rebalancing is off: pinned to a's emptiest instance",
      instances: oddInZoneA,
      services: [{ name: "web" }],
      expected: ["web 0→2 pin i-00000000000000002"],
    },
    {
      name: "the same with ECS's AZ rebalancing ENABLED: no pin into a (a surge there would make the zones 3 | 1, uneven to ECS), and no move",
      instances: oddInZoneA,
      services: [{ name: "web", patch: { availabilityZoneRebalancing: "ENABLED" } }],
      expected: [],
    },
    {
      name: "a service with ECS's 10 constraints already cannot take a pin: planned as before (a coin flip between 1 and 2)",
      instances: TIES_OF_UNEQUAL_LOAD,
      services: [{ name: "web", constraints: tenConstraints }],
      expected: ["web 0→1 pin undefined flip"],
    },
  ];
  for (const { name, instances, services, expected } of cases) {
    it(name, () => assert.deepStrictEqual(described(pinned(instances, services)), expected));
  }
});
