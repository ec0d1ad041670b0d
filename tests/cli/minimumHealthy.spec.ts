import * as assert from "assert";
import {
  desiredCountLoweredBelowMinimumHealthy,
  FloorVerdict,
  readSurgeTag,
  ServiceState,
  stopBelowMinimumHealthy,
  SURGE_TAG,
  TaskStatus,
} from "../../cli/minimumHealthy";
import { formatSurge } from "../../handler/surgeTag";

const AT = "2024-01-01T00:10:00.000Z";
const IDENTITY = { arn: "arn:aws:ecs:us-east-1:123456789012:service/demo/web", createdAtMs: Date.UTC(2024, 0, 1) };
/** The tag as the engine writes it (its formatSurge): the judge must read what the engine writes. */
const engineTag = (from: number, to: number, at = AT) =>
  formatSurge({ from, to, startedAt: new Date(at) }, { serviceArn: IDENTITY.arn, createdAt: new Date(IDENTITY.createdAtMs) });
const surge = (from: number, to: number, at = AT) => [{ key: SURGE_TAG, value: engineTag(from, to, at) }];

/** `running` healthy tasks, then `pending` not yet RUNNING, then `stopping` (lastStatus RUNNING, desiredStatus STOPPED: asked to stop). */
function tasks(running: number, pending = 0, stopping = 0): TaskStatus[] {
  const make = (count: number, lastStatus: string, desiredStatus: string, prefix: string) =>
    Array.from({ length: count }, (_, i) => ({ arn: `${prefix}${i}`, lastStatus, desiredStatus }));
  return [
    ...make(running, "RUNNING", "RUNNING", "run-"),
    ...make(pending, "PENDING", "RUNNING", "pending-"),
    ...make(stopping, "RUNNING", "STOPPED", "stopping-"),
  ];
}

function service(
  desiredCount: number,
  minimumHealthyPercent: number | undefined,
  list: TaskStatus[],
  tags = [] as ServiceState["tags"],
): ServiceState {
  return { tasks: list, desiredCount, minimumHealthyPercent, tags, identity: IDENTITY };
}

const verdict = (runningAfter: number, floor: number, n: number): FloorVerdict => ({
  runningAfter,
  floor,
  n,
  isBelowFloor: runningAfter < floor,
});

describe("minimum healthy: a StopTask judged at the moment ECS accepts it", () => {
  const twoRunning = tasks(2);
  const cases: Array<[string, ServiceState, TaskStatus, FloorVerdict]> = [
    ["desired 2 at 100 %, 2 running: stopping one leaves 1 < 2 → flagged", service(2, 100, twoRunning), twoRunning[0], verdict(1, 2, 2)],
    [
      "desired 2 at 50 %, 2 running: stopping one leaves 1 = ceil(1) → allowed",
      service(2, 50, twoRunning),
      twoRunning[0],
      verdict(1, 1, 2),
    ],
    [
      "desired 2, minimumHealthyPercent unset (ECS default 100), 2 running: stopping one → flagged",
      service(2, undefined, twoRunning),
      twoRunning[0],
      verdict(1, 2, 2),
    ],
    ["desired 1 at 0 %: stopping the only task leaves 0 = floor 0 → allowed", service(1, 0, tasks(1)), tasks(1)[0], verdict(0, 0, 1)],
    [
      "desired 5 at 50 %, 5 running: stopping one leaves 4 ≥ ceil(2.5) = 3 → allowed",
      service(5, 50, tasks(5)),
      tasks(5)[4],
      verdict(4, 3, 5),
    ],
  ];
  for (const [name, state, stopped, expected] of cases) {
    it(name, () => assert.deepStrictEqual(stopBelowMinimumHealthy(state, stopped), expected));
  }

  describe("during a surge the floor is a percentage of the tag's `from`, not of the raised count", () => {
    const three = tasks(3);
    const twoAndPending = tasks(2, 1);
    const surgeCases: Array<[string, ServiceState, TaskStatus, FloorVerdict]> = [
      [
        "from=2 to=3, desired 3 at 100 %, 3 running: stopping one leaves 2 = floor of 2 → allowed",
        service(3, 100, three, surge(2, 3)),
        three[0],
        verdict(2, 2, 2),
      ],
      [
        "from=2 to=3, desired 3 at 100 %, 2 running + 1 pending: stopping a running one leaves 1 < 2 → flagged",
        service(3, 100, twoAndPending, surge(2, 3)),
        twoAndPending[0],
        verdict(1, 2, 2),
      ],
      [
        "from=2 to=3 but desired set to 1 since (the tag no longer describes it): floor of 1 → allowed",
        service(1, 100, twoRunning, surge(2, 3)),
        twoRunning[0],
        verdict(1, 1, 1),
      ],
      [
        "an unreadable tag (to ≤ from) is no surge: desired 3 at 100 %, 3 running → flagged",
        service(3, 100, three, surge(3, 2)),
        three[0],
        verdict(2, 3, 3),
      ],
      [
        "a hand-written `from=0 to=3` (no proof) lowers nothing: floor of 3 → flagged",
        service(3, 100, three, [{ key: SURGE_TAG, value: `from=0 to=3 at=${AT}` }]),
        three[0],
        verdict(2, 3, 3),
      ],
      [
        "a tag copied from another service (its proof) lowers nothing: floor of 3 → flagged",
        { ...service(3, 100, three, surge(1, 3)), identity: { ...IDENTITY, arn: `${IDENTITY.arn}-copy` } },
        three[0],
        verdict(2, 3, 3),
      ],
    ];
    for (const [name, state, stopped, expected] of surgeCases) {
      it(name, () => assert.deepStrictEqual(stopBelowMinimumHealthy(state, stopped), expected));
    }
  });

  describe("UNHEALTHY tasks do not count; stopping one costs nothing", () => {
    const sick = (list: TaskStatus[], count: number) => list.map((t, i) => (i < count ? { ...t, healthStatus: "UNHEALTHY" } : t));
    it("desired 4 at 50 %, 2 of 4 UNHEALTHY: stopping a healthy one leaves 1 < 2 → flagged", () => {
      const list = sick(tasks(4), 2);
      assert.deepStrictEqual(stopBelowMinimumHealthy(service(4, 50, list), list[3]), verdict(1, 2, 4));
    });
    it("desired 4 at 100 %, 2 of 4 UNHEALTHY: stopping an UNHEALTHY one leaves 2 < 4, but costs nothing → allowed", () => {
      const list = sick(tasks(4), 2);
      assert.deepStrictEqual(stopBelowMinimumHealthy(service(4, 100, list), list[0]), { ...verdict(2, 4, 4), isBelowFloor: false });
    });
    it("UNKNOWN health (no health check) counts: desired 2 at 50 %, 2 UNKNOWN, stopping one leaves 1 = floor → allowed", () => {
      const list = tasks(2).map((t) => ({ ...t, healthStatus: "UNKNOWN" }));
      assert.deepStrictEqual(stopBelowMinimumHealthy(service(2, 50, list), list[0]), verdict(1, 1, 2));
    });
  });

  describe("tasks already stopping, or not yet RUNNING, do not count as healthy", () => {
    it("desired 2 at 50 %, 1 running + 1 already stopping: stopping the running one leaves 0 < 1 → flagged", () => {
      const list = tasks(1, 0, 1);
      assert.deepStrictEqual(stopBelowMinimumHealthy(service(2, 50, list), list[0]), verdict(0, 1, 2));
    });
    it("desired 2 at 50 %, 2 running + 1 already stopping: stopping a running one leaves 1 = floor → allowed", () => {
      const list = tasks(2, 0, 1);
      assert.deepStrictEqual(stopBelowMinimumHealthy(service(2, 50, list), list[0]), verdict(1, 1, 2));
    });
    it("desired 4 at 50 %, 2 running + 2 pending: stopping a pending one leaves the 2 running = floor → allowed", () => {
      const list = tasks(2, 2);
      assert.deepStrictEqual(stopBelowMinimumHealthy(service(4, 50, list), list[2]), verdict(2, 2, 4));
    });
  });
});

describe("minimum healthy: an UpdateService lowering the desired count, at worst", () => {
  const cases: Array<[string, ServiceState, number, FloorVerdict]> = [
    [
      "surge completed on a steady service: 3 running, 3 → 2 at 100 % keeps 2 RUNNING → allowed",
      service(3, 100, tasks(3), surge(2, 3)),
      2,
      verdict(2, 2, 2),
    ],
    [
      "the completion's stop already made: 2 running + 1 stopping, 3 → 2: nothing to scale in → allowed",
      service(3, 100, tasks(2, 0, 1), surge(2, 3)),
      2,
      verdict(2, 2, 2),
    ],
    [
      "surge rolled back with a task pending: 2 running + 1 pending, 3 → 2 at 100 %: ECS may stop a running one → flagged",
      service(3, 100, tasks(2, 1), surge(2, 3)),
      2,
      verdict(1, 2, 2),
    ],
    ["the same rollback at 50 %: 1 running left ≥ ceil(1) → allowed", service(3, 50, tasks(2, 1), surge(2, 3)), 2, verdict(1, 1, 2)],
  ];
  for (const [name, state, lowered, expected] of cases) {
    it(name, () => assert.deepStrictEqual(desiredCountLoweredBelowMinimumHealthy(state, lowered), expected));
  }
});

describe("minimum healthy: the surge tag, read independently of the engine", () => {
  const cases: Array<[string, string | undefined, { from: number; to: number } | undefined]> = [
    ["as the engine writes it, from=2 to=3 → { from 2, to 3 }", engineTag(2, 3), { from: 2, to: 3 }],
    [
      "as the engine writes it with the tasks it gives up (give=ID+ID) → { from 2, to 4 }",
      formatSurge(
        { from: 2, to: 4, startedAt: new Date(AT), give: ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"] },
        { serviceArn: IDENTITY.arn, createdAt: new Date(IDENTITY.createdAtMs) },
      ),
      { from: 2, to: 4 },
    ],
    [
      "as the engine writes a pinned load move (give=ID pin=EC2-ID) → { from 3, to 4 }",
      formatSurge(
        { from: 3, to: 4, startedAt: new Date(AT), give: ["0123456789abcdef0123456789abcdef"], pin: "i-0123456789abcdef0" },
        { serviceArn: IDENTITY.arn, createdAt: new Date(IDENTITY.createdAtMs) },
      ),
      { from: 3, to: 4 },
    ],
    ["no tag → none", undefined, undefined],
    ["to not above from → none", engineTag(3, 3), undefined],
    ["the fields without a proof → none", `from=2 to=3 at=${AT}`, undefined],
    ["a proof that does not match → none", `from=2 to=3 at=${AT} proof=0123456789abcdef`, undefined],
    ["a field edited after writing → none", engineTag(2, 3).replace("from=2", "from=1"), undefined],
    ["a date that is not one → none", "from=2 to=3 at=2024-13-45T99:99:99Z proof=0123456789abcdef", undefined],
  ];
  for (const [name, value, expected] of cases) {
    it(name, () => assert.deepStrictEqual(readSurgeTag(value === undefined ? [] : [{ key: SURGE_TAG, value }], IDENTITY), expected));
  }
});
