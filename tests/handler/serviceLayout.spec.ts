import * as assert from "assert";
import * as fc from "fast-check";
import type { PlacementStrategy } from "@aws-sdk/client-ecs";
import { distribute, Distribution, Slot } from "../../handler/balance";
import { freeResources, room, taskNeeds } from "../../handler/placement";
import { isPlaceholder, layoutService, readClusterState } from "../../handler/serviceLayout";
import { buildSnapshot, InstanceSpec, ServiceSpec, ZONE_THEN_INSTANCE } from "./fixtures";

/**
 * On a large cluster the planner lays a service out sparsely: the instances it occupies, a few of
 * the least busy empty ones per zone, and one placeholder for the rest of each zone. That view must
 * lead to the same distribution as laying out every instance, which is written here directly from
 * the snapshot (instance, count, count + room, all tasks on the instance).
 */
const STRATEGIES: Record<string, PlacementStrategy[]> = {
  "zone+instance": ZONE_THEN_INSTANCE,
  instance: [{ type: "spread", field: "instanceId" }],
};

interface Case {
  zones: number;
  instances: Array<{ zone: number; cpu: number; tier: "web" | "batch"; status: "ACTIVE" | "DRAINING" }>;
  /** Other services' tasks per instance index: the load that breaks ties. */
  background: number[];
  strategy: keyof typeof STRATEGIES;
  onlyWeb: boolean;
  distinct: boolean;
  /** The service's tasks per instance index (only the first few instances). */
  counts: number[];
}

const cases: fc.Arbitrary<Case> = fc
  .record({
    zones: fc.integer({ min: 1, max: 3 }),
    instances: fc.array(
      fc.record({
        zone: fc.nat(2),
        // 0 room, room for one or two tasks, or plenty: zero-room instances must not change the choice
        cpu: fc.constantFrom(0, 0, 128, 256, 4096),
        tier: fc.constantFrom<"web" | "batch">("web", "web", "batch"),
        status: fc.constantFrom<"ACTIVE" | "DRAINING">("ACTIVE", "ACTIVE", "ACTIVE", "DRAINING"),
      }),
      { minLength: 6, maxLength: 40 },
    ),
    background: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 40, maxLength: 40 }),
    strategy: fc.constantFrom<keyof typeof STRATEGIES>("zone+instance", "instance"),
    onlyWeb: fc.boolean(),
    distinct: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    counts: fc.array(fc.constantFrom<number>(0, 0, 1, 2, 3), { minLength: 6, maxLength: 6 }),
  })
  .filter((c) => c.counts.reduce((a, b) => a + b, 0) >= 2);

function snapshotOf(c: Case) {
  const eligible = (i: number) => c.instances[i].status === "ACTIVE" && (!c.onlyWeb || c.instances[i].tier === "web");
  const instances: InstanceSpec[] = c.instances.map((instance, i) => ({
    zone: `z${instance.zone % c.zones}`,
    status: instance.status,
    // registered = what the tasks use plus the room drawn: background tasks use 128 each
    cpu: instance.cpu + 128 * (c.background[i] + (eligible(i) ? (c.counts[i] ?? 0) : 0)),
    memory: 1 << 20,
    attributes: { tier: instance.tier },
    tasks: { ...(c.background[i] ? { other: c.background[i] } : {}), ...(eligible(i) && c.counts[i] ? { web: c.counts[i] } : {}) },
  }));
  const services: ServiceSpec[] = [
    {
      name: "web",
      cpu: 128,
      memory: 16,
      strategy: STRATEGIES[c.strategy],
      constraints: [
        ...(c.onlyWeb ? [{ type: "memberOf" as const, expression: "attribute:tier == web" }] : []),
        ...(c.distinct ? [{ type: "distinctInstance" as const }] : []),
      ],
    },
    { name: "other", cpu: 128, memory: 16 },
  ];
  return buildSnapshot(instances, services);
}

/** Every instance the service may use, as one slot each. */
function everyInstance(c: Case): Slot[] {
  const snapshot = snapshotOf(c);
  const needs = taskNeeds(snapshot.taskDefinitions.find((d) => d.family === "web")!);
  return snapshot.containerInstances
    .filter(
      (instance) =>
        instance.status === "ACTIVE" && (!c.onlyWeb || instance.attributes!.some((a) => a.name === "tier" && a.value === "web")),
    )
    .sort((a, b) => (a.containerInstanceArn! < b.containerInstanceArn! ? -1 : 1))
    .map((instance) => {
      const id = instance.containerInstanceArn!;
      const mine = snapshot.tasks.filter((t) => t.containerInstanceArn === id);
      const count = mine.filter((t) => t.group === "service:web").length;
      const fits = room(freeResources(instance), needs);
      const zone = instance.attributes!.find((a) => a.name === "ecs.availability-zone")!.value!;
      return {
        id,
        path: c.strategy === "instance" ? [id] : [zone, id],
        count,
        capacity: c.distinct ? Math.max(count, Math.min(1, count + fits)) : count + fits,
        load: mine.length,
      };
    });
}

function outcome(distribution: Distribution): string {
  const removals = [...distribution.removals].sort(([a], [b]) => (a < b ? -1 : 1));
  const additions = distribution.additions.map((a) => `${a.slotId}+${a.count}`).sort();
  return JSON.stringify({ removals, additions });
}

describe("serviceLayout: the sparse view of a large cluster", () => {
  it("leads to the same removals and additions as laying out every instance", () => {
    let sparseSeen = 0;
    fc.assert(
      fc.property(cases, (c) => {
        const snapshot = snapshotOf(c);
        const cluster = readClusterState(snapshot.containerInstances, snapshot.tasks, snapshot.taskDefinitions);
        const web = snapshot.services.find((s) => s.serviceName === "web")!;
        const tasks = cluster.tasksByGroup.get("service:web");
        if (!tasks || tasks.tasks.length < 2) return; // the tasks drawn all fell on ineligible instances
        const layout = layoutService(web, tasks, cluster);
        if ("code" in layout) return; // too few eligible instances, say: nothing to compare
        const full = everyInstance(c);
        if (layout.slots.some(isPlaceholder)) sparseSeen++;
        const total = web.desiredCount!;
        const fullCapacity = full.reduce((a, s) => a + s.capacity, 0);
        if (total > fullCapacity) {
          assert.throws(() => distribute(layout.slots, total));
          return;
        }
        assert.strictEqual(outcome(distribute(layout.slots, total)), outcome(distribute(full, total)));
        // a surge completion distributes fewer tasks than the service holds over the same view
        assert.strictEqual(outcome(distribute(layout.slots, total - 1)), outcome(distribute(full, total - 1)));
      }),
      { numRuns: 1500 },
    );
    // the property says nothing unless the sparse view was really used
    assert.ok(sparseSeen > 300, `only ${sparseSeen} cases used a placeholder`);
  });
});
