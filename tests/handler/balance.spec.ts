import * as assert from "assert";
import * as fc from "fast-check";
import { distribute, selectBest, Slot, waterfill } from "../../handler/balance";

/** Slots written as "zone/instance:count" (room 10, load = count unless given). */
function slot(spec: string, extra: Partial<Slot> = {}): Slot {
  const [path, count] = spec.split(":");
  const parts = path.split("/");
  const id = parts[parts.length - 1];
  const n = Number(count);
  return { id, path: parts, count: n, capacity: n + 10, load: n, ...extra };
}

function removedTotal(slots: Slot[], total: number): number {
  return [...distribute(slots, total).removals.values()].reduce((a, b) => a + b, 0);
}

function finalCounts(slots: Slot[], total: number): Record<string, number> {
  const { removals, additions } = distribute(slots, total);
  const counts: Record<string, number> = Object.fromEntries(slots.map((s) => [s.id, s.count - (removals.get(s.id) ?? 0)]));
  for (const a of additions) {
    assert.ok(a.slotId, `addition to ${a.group.join("/")} names no slot`);
    counts[a.slotId] += a.count;
  }
  return counts;
}

describe("balance: distribute", () => {
  const byInstance = (counts: number[]) => counts.map((c, i) => slot(`i${i}:${c}`));
  const moveCases: Array<[string, Slot[], number]> = [
    ["(5,3,1) on three instances spread by instance → 2 moves", byInstance([5, 3, 1]), 2],
    ["(2,0) on two instances → 1 move", byInstance([2, 0]), 1],
    ["(1,1) already balanced → 0 moves", byInstance([1, 1]), 0],
    ["(3,2,2) already balanced (max−min ≤ 1) → 0 moves", byInstance([3, 2, 2]), 0],
    ["(6,0,0) → 4 moves", byInstance([6, 0, 0]), 4],
    ["zone then instance: (2 | 0) over zones a, b → 1 move", [slot("a/i0:2"), slot("b/i1:0")], 1],
    [
      "zone then instance: (2,0 | 0,0) → 1 move (zones first, then within zone a nothing more)",
      [slot("a/i0:2"), slot("a/i1:0"), slot("b/i2:0"), slot("b/i3:0")],
      1,
    ],
    [
      "zone then instance: (3,0,0 | 2,0) → 2 moves, not 3 (zone b keeps its third task)",
      [slot("a/i0:3"), slot("a/i1:0"), slot("a/i2:0"), slot("b/i3:2"), slot("b/i4:0")],
      2,
    ],
    [
      "zone only: (2,0 | 1) → 0 moves (instances within a zone are not balanced)",
      [slot("a:2", { id: "i0" }), slot("a:0", { id: "i1" }), slot("b:1", { id: "i2" })],
      0,
    ],
    ["zone then instance: (2,0 | 1) → 1 move", [slot("a/i0:2"), slot("a/i1:0"), slot("b/i2:1")], 1],
  ];
  for (const [name, slots, moves] of moveCases) {
    it(name, () => {
      const d = distribute(
        slots,
        slots.reduce((a, s) => a + s.count, 0),
      );
      assert.strictEqual(
        removedTotal(
          slots,
          slots.reduce((a, s) => a + s.count, 0),
        ),
        moves,
      );
      assert.strictEqual(
        d.additions.reduce((a, x) => a + x.count, 0),
        moves,
        "additions equal removals",
      );
    });
  }

  it("(5,3,1) on three instances ends at (3,3,3)", () => {
    assert.deepStrictEqual(finalCounts(byInstance([5, 3, 1]), 9), { i0: 3, i1: 3, i2: 3 });
  });

  it("an instance with no room gets no target above its count: (4,0,0) with i1 full → (2,0,2)", () => {
    const slots = [slot("i0:4"), slot("i1:0", { capacity: 0 }), slot("i2:0")];
    assert.deepStrictEqual(finalCounts(slots, 4), { i0: 2, i1: 0, i2: 2 });
  });

  it("capacity caps spill to the others: (6,0,0) with room for 1 on i1 → (3,1,2)", () => {
    // i1 is full at 1, so it may sit below the others; the remainder stays where it already is (i0)
    const slots = [slot("i0:6"), slot("i1:0", { capacity: 1 }), slot("i2:0")];
    assert.deepStrictEqual(finalCounts(slots, 6), { i0: 3, i1: 1, i2: 2 });
  });

  it("zone then instance: zones are balanced first, then instances within each zone", () => {
    const slots = [slot("a/i0:4"), slot("a/i1:0"), slot("b/i2:0"), slot("b/i3:0")];
    assert.deepStrictEqual(finalCounts(slots, 4), { i0: 1, i1: 1, i2: 1, i3: 1 });
  });

  it("zone then instance: a zone with less room takes what it can and the other zone the rest", () => {
    const slots = [slot("a/i0:5"), slot("a/i1:0"), slot("b/i2:0", { capacity: 1 })];
    assert.deepStrictEqual(finalCounts(slots, 5), { i0: 2, i1: 2, i2: 1 });
  });

  it("zone only: surplus leaves the instance with the most load, and the addition names no slot", () => {
    const slots = [
      slot("a:2", { id: "i0", load: 3 }),
      slot("a:2", { id: "i1", load: 9 }),
      slot("b:0", { id: "i2" }),
      slot("b:0", { id: "i3" }),
    ];
    const d = distribute(slots, 4);
    // zone a gives 2; i1 stays the busier after giving one (load 8 > 3), so it gives both
    assert.deepStrictEqual([...d.removals], [["i1", 2]]);
    assert.deepStrictEqual(d.additions, [{ slotId: undefined, group: ["b"], count: 2 }]);
  });

  it("zone only with one instance in the receiving zone: the addition names that slot", () => {
    const slots = [slot("a:2", { id: "i0" }), slot("b:0", { id: "i1" })];
    assert.deepStrictEqual(distribute(slots, 2).additions, [{ slotId: "i1", group: ["b"], count: 1 }]);
  });

  it("ties go to the instance with the lower load: of two instances holding 2, the busier gives", () => {
    const slots = [slot("i0:2", { load: 7 }), slot("i1:2", { load: 2 }), slot("i2:0")];
    const d = distribute(slots, 4);
    assert.deepStrictEqual([...d.removals], [["i0", 1]]);
  });

  it("ties in load go to the lower id (stable)", () => {
    const slots = [slot("i1:2", { load: 2 }), slot("i0:2", { load: 2 }), slot("i2:0")];
    assert.deepStrictEqual([...distribute(slots, 4).removals], [["i1", 1]]);
  });

  it("more tasks than capacity is an invariant error", () => {
    assert.throws(() => distribute([slot("i0:1", { capacity: 1 }), slot("i1:0", { capacity: 0 })], 2), /invariant/);
  });
});

describe("balance: selectBest", () => {
  it("returns the same set as sorting and taking the first k, for every k", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }), fc.nat(70), (values, k) => {
        const items = values.map((value, index) => ({ value, index }));
        const better = (a: { value: number; index: number }, b: { value: number; index: number }) => b.value - a.value || a.index - b.index;
        const count = Math.min(k, items.length);
        const expected = [...items]
          .sort(better)
          .slice(0, count)
          .map((i) => i.index)
          .sort((a, b) => a - b);
        const actual = selectBest(items, count, better)
          .map((i) => i.index)
          .sort((a, b) => a - b);
        assert.deepStrictEqual(actual, expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("balance: waterfill", () => {
  const group = (key: string, count: number, capacity = 100, load = count) => ({ key, count, capacity, load });
  const cases: Array<[string, Parameters<typeof waterfill>[0], number, number[]]> = [
    ["9 tasks over three open groups → (3,3,3)", [group("a", 5), group("b", 3), group("c", 1)], 9, [3, 3, 3]],
    ["remainder goes to the group holding most: 5 over (4,1) → (3,2)", [group("a", 4), group("b", 1)], 5, [3, 2]],
    [
      "remainder ties in count go to the lower load: 2 over (1 load 5, 1 load 1, 1 load 3) → the busiest gives",
      [group("a", 1, 100, 5), group("b", 1, 100, 1), group("c", 1, 100, 3)],
      2,
      [0, 1, 1],
    ],
    [
      "2 over three empty groups with loads 5,1,3 → the least busy two",
      [group("a", 0, 100, 5), group("b", 0, 100, 1), group("c", 0, 100, 3)],
      2,
      [0, 1, 1],
    ],
    [
      "a full group keeps its capacity: 6 over (cap 1, open, open) → (1,3,2)",
      [group("a", 0, 1), group("b", 4), group("c", 2)],
      6,
      [1, 3, 2],
    ],
    ["a group with no room gets 0 even below the others", [group("a", 0, 0), group("b", 3), group("c", 0)], 3, [0, 2, 1]],
    ["0 tasks → all zero", [group("a", 0), group("b", 0)], 0, [0, 0]],
  ];
  for (const [name, groups, total, expected] of cases) {
    it(name, () => assert.deepStrictEqual(waterfill(groups, total), expected));
  }

  it("the remainder goes to the group that saves the most moves, not the one holding most (movesAt)", () => {
    const groups = [
      { ...group("a", 3), movesAt: (t: number) => (t >= 3 ? 2 : 2) }, // (3,0,0): 2 moves whatever it gets
      { ...group("b", 2), movesAt: (t: number) => (t >= 3 ? 0 : 1) }, // (2,0): keeps a task at 3
    ];
    assert.deepStrictEqual(waterfill(groups, 5), [2, 3]);
  });
});
