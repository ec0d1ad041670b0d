import * as assert from "assert";
import { mapWithLimit } from "../../handler/concurrency";

describe("concurrency: mapWithLimit", () => {
  it("keeps input order and never has more than the limit in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight--;
      return n * 10;
    });
    assert.deepStrictEqual(results, [50, 10, 40, 20, 30, 0, 60]);
    assert.strictEqual(most, 3);
  });

  it("an empty list makes no call", async () => {
    let calls = 0;
    assert.deepStrictEqual(await mapWithLimit([], 4, async () => calls++), []);
    assert.strictEqual(calls, 0);
  });
});
