import { strict as assert } from "node:assert";
import type { CreateServiceRequest } from "@aws-sdk/client-ecs";
import { CLUSTER, addInstances, addService, countsOn, newSimulator, runningPerZone, type InstanceSpec } from "./helpers";

const A = "us-east-1a";
const B = "us-east-1b";
const C = "us-east-1c";
const zoneThenInstance: CreateServiceRequest["placementStrategy"] = [
  { type: "spread", field: "attribute:ecs.availability-zone" },
  { type: "spread", field: "instanceId" },
];

interface PlacementCase {
  name: string;
  instances: InstanceSpec[];
  desiredCount: number;
  service?: Parameters<typeof addService>[3];
  /** RUNNING tasks per instance, in the order of `instances`; -1 marks instances tied by the strategies. */
  expected: number[];
  /** Compare the multiset of counts only (the random tie-break picks which instance). */
  anyOrder?: boolean;
}

const cases: PlacementCase[] = [
  {
    name: "spread zone then instance: 4 tasks on (1a, 1a, 1b) → 1 + 1 in 1a, 2 in 1b",
    instances: [{ zone: A }, { zone: A }, { zone: B }],
    desiredCount: 4,
    service: { placementStrategy: zoneThenInstance },
    expected: [1, 1, 2],
  },
  {
    name: "spread instanceId alone: 6 tasks on (1a, 1a, 1b) → 2 each",
    instances: [{ zone: A }, { zone: A }, { zone: B }],
    desiredCount: 6,
    service: { placementStrategy: [{ type: "spread", field: "instanceId" }] },
    expected: [2, 2, 2],
  },
  {
    name: "resources filter before strategies: the only 1a instance is too small → both tasks in 1b",
    instances: [{ zone: A, cpu: 100 }, { zone: B }],
    desiredCount: 2,
    service: { placementStrategy: zoneThenInstance, cpu: 128 },
    expected: [0, 2],
  },
  {
    name: "memory filters too: 3 × 1500 MiB on (2048, 4096) → 1 + 2",
    instances: [
      { zone: A, memory: 2048 },
      { zone: B, memory: 4096 },
    ],
    desiredCount: 3,
    service: { memory: 1500 },
    expected: [1, 2],
  },
  {
    name: "binpack memory: 3 tasks on two empty instances → all on one instance",
    instances: [{ zone: A }, { zone: B }],
    desiredCount: 3,
    service: { placementStrategy: [{ type: "binpack", field: "memory" }] },
    expected: [3, 0],
    anyOrder: true,
  },
  {
    name: "binpack cpu prefers the instance with the least CPU left",
    instances: [
      { zone: A, cpu: 4096 },
      { zone: B, cpu: 1024 },
    ],
    desiredCount: 2,
    service: { placementStrategy: [{ type: "binpack", field: "cpu" }] },
    expected: [0, 2],
  },
  {
    name: "distinctInstance: 4 desired on 3 instances → one task per instance, the fourth waits",
    instances: [{ zone: A }, { zone: A }, { zone: B }],
    desiredCount: 4,
    service: { placementConstraints: [{ type: "distinctInstance" }] },
    expected: [1, 1, 1],
  },
  {
    name: "memberOf instance-type == t3.large: only the t3.large instances get tasks",
    instances: [
      { zone: A, instanceType: "t3.large" },
      { zone: B, instanceType: "m5.large" },
      { zone: C, instanceType: "t3.large" },
    ],
    desiredCount: 4,
    service: { placementConstraints: [{ type: "memberOf", expression: "attribute:ecs.instance-type == t3.large" }] },
    expected: [2, 0, 2],
  },
  {
    name: "memberOf zone in [1a, 1c] beats the zone spread that would use 1b",
    instances: [{ zone: A }, { zone: B }, { zone: C }],
    desiredCount: 4,
    service: { placementConstraints: [{ type: "memberOf", expression: `attribute:ecs.availability-zone in [${A}, ${C}]` }] },
    expected: [2, 0, 2],
  },
  {
    name: "memberOf != with a wildcard: attribute:ecs.instance-type != m5.* excludes m5 instances",
    instances: [
      { zone: A, instanceType: "m5.xlarge" },
      { zone: B, instanceType: "t3.small" },
    ],
    desiredCount: 2,
    service: { placementConstraints: [{ type: "memberOf", expression: "attribute:ecs.instance-type != m5.*" }] },
    expected: [0, 2],
  },
  {
    name: "spread by a custom attribute counts the service's tasks per attribute value",
    instances: [
      { zone: A, attributes: { rack: "r1" } },
      { zone: A, attributes: { rack: "r1" } },
      { zone: A, attributes: { rack: "r2" } },
    ],
    desiredCount: 2,
    service: {
      placementStrategy: [
        { type: "spread", field: "attribute:rack" },
        { type: "spread", field: "instanceId" },
      ],
    },
    expected: [-1, -1, 1],
  },
  {
    name: "fixed host port 80: one task per instance, the third waits",
    instances: [{ zone: A }, { zone: B }],
    desiredCount: 3,
    service: { hostPort: 80 },
    expected: [1, 1],
  },
];

describe("simulator placement: resources → constraints → strategies in order → random tie-break", () => {
  for (const c of cases) {
    it(c.name, () => {
      const sim = newSimulator();
      const instances = addInstances(sim, c.instances);
      addService(sim, "svc", c.desiredCount, c.service);
      sim.advance(60);
      const actual = countsOn(sim, instances, "svc");
      if (c.anyOrder) {
        assert.deepEqual([...actual].sort(), [...c.expected].sort());
        return;
      }
      // -1 in expected means "either of the tied instances": check their sum instead.
      const tied = c.expected.map((e, i) => (e === -1 ? actual[i] : 0)).reduce((a, b) => a + b, 0);
      assert.deepEqual(
        actual.map((n, i) => (c.expected[i] === -1 ? -1 : n)),
        c.expected,
      );
      if (c.expected.includes(-1)) assert.equal(tied, c.desiredCount - c.expected.filter((e) => e > 0).reduce((a, b) => a + b, 0));
    });
  }

  it("a task that fits nowhere records the service event and is placed once capacity appears", () => {
    const sim = newSimulator();
    addService(sim, "svc", 1, { placementConstraints: [{ type: "distinctInstance" }] });
    sim.advance(5);
    const service = sim.state.cluster(CLUSTER).services.get("svc")!;
    assert.match(service.events[0].message, /unable to place a task because no container instance met all of its requirements/);
    const [arn] = addInstances(sim, [{ zone: A }]);
    sim.advance(10);
    assert.deepEqual(countsOn(sim, [arn], "svc"), [1]);
  });

  const inZoneCases: Array<{ name: string; strategy?: CreateServiceRequest["placementStrategy"]; evenWithinZone: boolean }> = [
    {
      name: "no strategy: within the zone, the instance with the fewest tasks of the service wins (8 on (1a, 1a, 1b) → 2, 2 | 4)",
      evenWithinZone: true,
    },
    {
      name: "spread by zone: the same documented in-zone rule (8 on (1a, 1a, 1b) → 2, 2 | 4)",
      strategy: [{ type: "spread", field: "attribute:ecs.availability-zone" }],
      evenWithinZone: true,
    },
    {
      name: "spread by a custom attribute only: no in-zone rule is documented, the pick stays random",
      strategy: [{ type: "spread", field: "attribute:rack" }],
      evenWithinZone: false,
    },
  ];
  for (const c of inZoneCases) {
    it(c.name, () => {
      let uneven = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const sim = newSimulator({ seed });
        const rack = { rack: "r1" };
        const instances = addInstances(sim, [
          { zone: A, attributes: rack },
          { zone: A, attributes: rack },
          { zone: B, attributes: { rack: "r2" } },
        ]);
        addService(sim, "svc", 8, c.strategy ? { placementStrategy: c.strategy } : {});
        sim.advance(30);
        assert.deepEqual(runningPerZone(sim, "svc"), { [A]: 4, [B]: 4 }, `seed ${seed}`);
        const [a1, a2] = countsOn(sim, instances, "svc");
        if (a1 !== a2) uneven++;
      }
      if (c.evenWithinZone) assert.equal(uneven, 0, `${uneven} of 12 seeds left the zone's instances uneven`);
      else assert.ok(uneven > 0, "the random in-zone pick never left the zone's instances uneven in 12 seeds");
    });
  }

  it("true ties stay random: one task of a zone-spread service on two empty instances of one zone lands on either", () => {
    const landed = new Set<number>();
    for (let seed = 1; seed <= 12; seed++) {
      const sim = newSimulator({ seed });
      const instances = addInstances(sim, [{ zone: A }, { zone: A }]);
      addService(sim, "svc", 1);
      sim.advance(30);
      landed.add(countsOn(sim, instances, "svc").indexOf(1));
    }
    assert.deepEqual([...landed].sort(), [0, 1]);
  });

  it("DRAINING instances and instances with a disconnected agent receive no tasks", () => {
    const sim = newSimulator();
    const [draining, disconnected, healthy] = addInstances(sim, [{ zone: A }, { zone: B }, { zone: C }]);
    sim.drainInstance(draining);
    sim.setAgentConnected(disconnected, false);
    addService(sim, "svc", 3);
    sim.advance(30);
    assert.deepEqual(countsOn(sim, [draining, disconnected, healthy], "svc"), [0, 0, 3]);
  });

  it("a random strategy still respects resources", () => {
    const sim = newSimulator();
    const instances = addInstances(sim, [
      { zone: A, memory: 256 },
      { zone: B, memory: 4096 },
    ]);
    addService(sim, "svc", 6, { memory: 128, placementStrategy: [{ type: "random" }] });
    sim.advance(30);
    const [small, big] = countsOn(sim, instances, "svc");
    assert.ok(small <= 2, `small instance holds ${small} tasks of 128 MiB in 256 MiB`);
    assert.equal(small + big, 6);
  });

  it("the same seed gives the same placement; another seed may not", () => {
    const layout = (seed: number) => {
      const sim = newSimulator({ seed });
      const instances = addInstances(sim, [{ zone: A }, { zone: A }, { zone: A }, { zone: A }]);
      addService(sim, "svc", 5, { placementStrategy: [{ type: "random" }] });
      sim.advance(30);
      return countsOn(sim, instances, "svc").join(",");
    };
    assert.equal(layout(5), layout(5));
    const layouts = new Set([1, 2, 3, 4, 5, 6].map(layout));
    assert.ok(layouts.size > 1);
  });

  it("CreateService rejects an unparseable memberOf expression with InvalidParameterException", () => {
    const sim = newSimulator();
    assert.throws(() => addService(sim, "svc", 1, { placementConstraints: [{ type: "memberOf", expression: "zone is nice" }] }), {
      name: "InvalidParameterException",
    });
  });
});
