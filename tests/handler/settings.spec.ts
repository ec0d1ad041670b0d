import * as assert from "assert";
import { DEFAULT_SETTINGS, readSettings, Settings, SETTINGS_ENV, settingsEnvironment } from "../../handler/settings";
import { CLUSTER_ARN } from "./fixtures";

const OTHER_ARN = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-2";
const env = (extra: Record<string, string | undefined> = {}) => ({ [SETTINGS_ENV.watchedClusters]: CLUSTER_ARN, ...extra });

describe("settings: defaults", () => {
  it("only the watched clusters set → every other setting is its default", () => {
    assert.deepStrictEqual(readSettings(env()), { watchedClusters: [CLUSTER_ARN], ...DEFAULT_SETTINGS });
  });

  it("the defaults are the documented ones: live, 10/5/3 moves, 900 s surges, load band 1 with pinned moves, info logs, writes well under ECS's buckets", () => {
    assert.deepStrictEqual(DEFAULT_SETTINGS, {
      dryRun: false,
      maxMovesPerRun: 10,
      maxMovesPerService: 5,
      maxMovesPerInstance: 3,
      surgeTimeoutSeconds: 900,
      clusterLoadBand: 1,
      pinLoadMoves: true,
      logLevel: "info",
      writeRates: { updateService: 1, tagResource: 2, stopTask: 10, updateTaskProtection: 5 },
    });
  });

  it("empty strings count as unset", () => {
    assert.deepStrictEqual(readSettings(env({ [SETTINGS_ENV.dryRun]: "", [SETTINGS_ENV.maxMovesPerRun]: "" })).maxMovesPerRun, 10);
  });

  it("a comma-separated list with spaces and a trailing comma → the ARNs", () => {
    assert.deepStrictEqual(readSettings(env({ [SETTINGS_ENV.watchedClusters]: ` ${CLUSTER_ARN} , ${OTHER_ARN},` })).watchedClusters, [
      CLUSTER_ARN,
      OTHER_ARN,
    ]);
  });
});

describe("settings: a bad variable is a one-line error naming the variable and the value", () => {
  const cases: Array<[string, string | undefined, RegExp]> = [
    [SETTINGS_ENV.watchedClusters, undefined, /empty/],
    [SETTINGS_ENV.watchedClusters, "", /empty/],
    [SETTINGS_ENV.watchedClusters, "demo", /"demo".*cluster ARN/],
    [SETTINGS_ENV.watchedClusters, `${CLUSTER_ARN},arn:aws:ecs:us-east-1:123:cluster/x`, /"arn:aws:ecs:us-east-1:123:cluster\/x"/],
    [SETTINGS_ENV.dryRun, "yes", /"yes".*true or false/],
    [SETTINGS_ENV.dryRun, "TRUE", /"TRUE"/],
    [SETTINGS_ENV.maxMovesPerRun, "0", /"0".*1 to 1000/],
    [SETTINGS_ENV.maxMovesPerRun, "1001", /"1001"/],
    [SETTINGS_ENV.maxMovesPerService, "1.5", /"1.5".*integer/],
    [SETTINGS_ENV.maxMovesPerInstance, "-1", /"-1"/],
    [SETTINGS_ENV.maxMovesPerInstance, "three", /"three"/],
    [SETTINGS_ENV.surgeTimeoutSeconds, "59", /"59".*60 to 86400/],
    [SETTINGS_ENV.surgeTimeoutSeconds, "86401", /"86401"/],
    [SETTINGS_ENV.clusterLoadBand, "-1", /"-1".*0 to 100/],
    [SETTINGS_ENV.clusterLoadBand, "101", /"101"/],
    [SETTINGS_ENV.clusterLoadBand, "false", /"false"/],
    [SETTINGS_ENV.pinLoadMoves, "no", /"no".*true or false/],
    [SETTINGS_ENV.logLevel, "verbose", /"verbose".*debug, info, warn or error/],
    [SETTINGS_ENV.updateServicePerSecond, "6", /"6".*0.1 to 5 \(writes per second\)/],
    [SETTINGS_ENV.updateServicePerSecond, "0", /"0".*0.1 to 5/],
    [SETTINGS_ENV.updateServicePerSecond, "fast", /"fast"/],
    [SETTINGS_ENV.tagResourcePerSecond, "11", /"11".*0.1 to 10/],
    [SETTINGS_ENV.stopTaskPerSecond, "41", /"41".*0.1 to 40/],
    [SETTINGS_ENV.updateTaskProtectionPerSecond, "-1", /"-1"/],
  ];
  for (const [variable, value, message] of cases) {
    it(`${variable}=${JSON.stringify(value)} → error`, () => {
      assert.throws(
        () => readSettings({ ...env(), [variable]: value }),
        (error: Error) => {
          assert.ok(error.message.includes(variable), `names ${variable}: ${error.message}`);
          assert.match(error.message, message);
          assert.ok(!error.message.includes("\n"), "one line");
          return true;
        },
      );
    });
  }
});

describe("settings: settingsEnvironment round-trips through readSettings", () => {
  const cases: Array<[string, Settings]> = [
    ["the defaults", { watchedClusters: [CLUSTER_ARN], ...DEFAULT_SETTINGS }],
    [
      "every setting changed",
      {
        watchedClusters: [CLUSTER_ARN, OTHER_ARN],
        dryRun: true,
        maxMovesPerRun: 1,
        maxMovesPerService: 1000,
        maxMovesPerInstance: 7,
        surgeTimeoutSeconds: 60,
        clusterLoadBand: 0,
        pinLoadMoves: false,
        logLevel: "debug",
        writeRates: { updateService: 0.5, tagResource: 10, stopTask: 40, updateTaskProtection: 0.1 },
      },
    ],
  ];
  for (const [name, settings] of cases) {
    it(name, () => assert.deepStrictEqual(readSettings(settingsEnvironment(settings)), settings));
  }

  it("every variable it writes is one readSettings reads", () => {
    assert.deepStrictEqual(
      Object.keys(settingsEnvironment({ watchedClusters: [CLUSTER_ARN], ...DEFAULT_SETTINGS })).sort(),
      Object.values(SETTINGS_ENV).sort(),
    );
  });
});
