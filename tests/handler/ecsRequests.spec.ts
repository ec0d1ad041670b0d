import * as assert from "assert";
import * as sdk from "@aws-sdk/client-ecs";
import * as fc from "fast-check";
import { ExecutionOptions, executeWave } from "../../handler/executor";
import { silentLogger } from "../../handler/log";
import { planMoves } from "../../handler/planner";
import { createSdkEcsPort } from "../../handler/sdkEcsPort";
import { Snapshot } from "../../handler/snapshot";
import { formatSurge, IGNORE_TAG, readSurge, SURGE_TAG, surgeTag } from "../../handler/surgeTag";
import { requestViolations, shapeViolations } from "../../simulator/contract/ecsContract";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, InstanceSpec, WEB_IDENTITY } from "./fixtures";

/**
 * Every string the engine writes to ECS, checked against the official model (the extract), not
 * against our reading of it: the surge tag, the ignore tag key, the stop reason, and each write
 * request exactly as the SDK port builds it.
 */
const NOW = new Date("2026-03-01T12:00:00Z");
const TIMEOUT = 900;
const OPTIONS: ExecutionOptions = {
  dryRun: false,
  now: NOW,
  log: silentLogger,
  maxMovesPerRun: 100,
  maxMovesPerService: 100,
  maxMovesPerInstance: 100,
};

/** The write requests the SDK port sends for the calls the executor made on the fake. */
async function requestsSent(fake: FakeEcs): Promise<Array<{ operation: string; input: Record<string, unknown> }>> {
  const sent: Array<{ operation: string; input: Record<string, unknown> }> = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ operation: command.constructor.name.replace(/Command$/, ""), input: command.input });
      return {};
    },
  };
  const port = createSdkEcsPort(sdk, client as never) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const call of fake.writes()) await port[call.op](...call.args);
  return sent;
}

async function waveOn(snapshot: Snapshot) {
  const fake = new FakeEcs(snapshot);
  await executeWave(fake, snapshot, planMoves(snapshot, { now: NOW, surgeTimeoutSeconds: TIMEOUT }), OPTIONS);
  return requestsSent(fake);
}

const surged = (instances: InstanceSpec[], desiredCount: number, from: number, startedAt = NOW) =>
  buildSnapshot(instances, [
    { name: "web", desiredCount, tags: { [SURGE_TAG]: formatSurge({ from, to: desiredCount, startedAt }, WEB_IDENTITY) } },
  ]);

describe("what the engine sends to ECS, against the official model", () => {
  const waves: Array<[string, () => Snapshot, string[]]> = [
    [
      "a surge start (tag, then desired count)",
      () => buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [{ name: "web" }]),
      ["TagResource", "UpdateService"],
    ],
    [
      "a surge completed (unprotect the surplus, protect the kept tasks, restore, untag)",
      () =>
        surged(
          [
            { zone: "a", tasks: { web: 2 } },
            { zone: "b", tasks: { web: 1 } },
          ],
          3,
          2,
        ),
      ["UpdateTaskProtection", "UpdateTaskProtection", "UpdateService", "UntagResource"],
    ],
    [
      "a surge rolled back after the timeout (protect the running tasks, restore, untag)",
      () => surged([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], 3, 2, new Date(NOW.getTime() - (TIMEOUT + 60) * 1000)),
      ["UpdateTaskProtection", "UpdateService", "UntagResource"],
    ],
    [
      "a direct move at minimumHealthyPercent 50 (stop with a reason)",
      () => buildSnapshot([{ zone: "a", tasks: { web: 4 } }, { zone: "b" }], [{ name: "web", desiredCount: 4, minimumHealthyPercent: 50 }]),
      ["StopTask", "StopTask"],
    ],
  ];
  for (const [rule, snapshot, operations] of waves) {
    it(`${rule}: every request is valid for ECS`, async () => {
      const sent = await waveOn(snapshot());
      assert.deepStrictEqual(
        sent.map((s) => s.operation),
        operations,
      );
      assert.deepStrictEqual(
        sent.flatMap((s) => requestViolations(s.operation, s.input).map((v) => `${s.operation}: ${v.message}`)),
        [],
      );
    });
  }

  it("the stop reason fits StopTask's documented 255 characters (a limit the model does not carry)", async () => {
    const sent = await waveOn(waves[3][1]());
    for (const { input } of sent) assert.ok(String(input.reason).length > 0 && String(input.reason).length <= 255, String(input.reason));
  });

  it("the tag keys are valid TagKeys", () => {
    assert.deepStrictEqual([...shapeViolations("TagKey", SURGE_TAG), ...shapeViolations("TagKey", IGNORE_TAG)], []);
  });

  it("any surge's tag value is a valid TagValue and reads back unchanged (property)", () => {
    const surge = fc.record({
      from: fc.integer({ min: 0, max: 2 ** 31 - 2 }),
      span: fc.integer({ min: 1, max: 10000 }),
      at: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2999-12-31T23:59:59Z"), noInvalidDate: true }),
    });
    fc.assert(
      fc.property(surge, ({ from, span, at }) => {
        const tag = surgeTag({ from, to: from + span, startedAt: at }, WEB_IDENTITY);
        assert.deepStrictEqual(shapeViolations("TagValue", tag.value), []);
        assert.deepStrictEqual(readSurge({ ...WEB_IDENTITY, tags: [tag] }), { from, to: from + span, startedAt: at });
      }),
    );
  });
});
