import * as assert from "assert";
import { measureLoadBand } from "../../handler/loadBand";
import { buildSnapshot, InstanceSpec } from "./fixtures";

const SERVICES = [{ name: "web" }, { name: "api" }];

describe("loadBand: max − min tasks per ACTIVE instance within each zone", () => {
  const cases: Array<[string, InstanceSpec[], Record<string, number>, number]> = [
    [
      "(5,3,1) on three instances in one zone → 4",
      [
        { zone: "a", tasks: { web: 5 } },
        { zone: "a", tasks: { web: 3 } },
        { zone: "a", tasks: { web: 1 } },
      ],
      { a: 4 },
      4,
    ],
    [
      "every service's tasks count: web 2 + api 1 against api 1 → 2",
      [
        { zone: "a", tasks: { web: 2, api: 1 } },
        { zone: "a", tasks: { api: 1 } },
      ],
      { a: 2 },
      2,
    ],
    [
      "zones are measured apart: (3,1) in a and (2,2) in b → a 2, b 0, worst 2",
      [
        { zone: "a", tasks: { web: 3 } },
        { zone: "a", tasks: { web: 1 } },
        { zone: "b", tasks: { web: 2 } },
        { zone: "b", tasks: { web: 2 } },
      ],
      { a: 2, b: 0 },
      2,
    ],
    ["one instance per zone → 0 however uneven the zones", [{ zone: "a", tasks: { web: 6 } }, { zone: "b" }], { a: 0, b: 0 }, 0],
    [
      "a DRAINING instance is not in the band: (4, draining 0) → 0",
      [
        { zone: "a", tasks: { web: 4 } },
        { zone: "a", status: "DRAINING" },
      ],
      { a: 0 },
      0,
    ],
    ["an empty ACTIVE instance is: (4, 0) → 4", [{ zone: "a", tasks: { web: 4 } }, { zone: "a" }], { a: 4 }, 4],
    ["no instances → no zones, worst 0", [], {}, 0],
  ];
  for (const [rule, instances, byZone, worst] of cases) {
    it(rule, () => {
      const snapshot = buildSnapshot(instances, SERVICES);
      assert.deepStrictEqual(measureLoadBand(snapshot.containerInstances, snapshot.tasks), { byZone, worst });
    });
  }
});
