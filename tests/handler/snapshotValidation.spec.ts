import * as assert from "assert";
import fc from "fast-check";
import { planMoves } from "../../handler/planner";
import { readSnapshot, Snapshot } from "../../handler/snapshot";
import { FakeEcs } from "./fakeEcs";
import { snapshotProblem } from "../../handler/snapshotValidation";
import { SURGE_TAG } from "../../handler/surgeTag";
import { buildSnapshot, ZONE_THEN_INSTANCE } from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");

/** A sound snapshot as a file holds it (JSON: dates as strings), with a constraint, a tag and a surge-free service. */
function sound(): Record<string, any> {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  const snapshot = buildSnapshot(
    [
      { zone: "a", tasks: { web: 3 }, attributes: { team: "web" } },
      { zone: "b", attributes: { team: "web" } },
    ],
    [
      {
        name: "web",
        strategy: ZONE_THEN_INSTANCE,
        constraints: [{ type: "memberOf", expression: "attribute:team =~ w*" }],
        tags: { owner: "x" },
      },
    ],
  );
  return JSON.parse(JSON.stringify(snapshot));
}

describe("snapshot validation: every field the engine reads", () => {
  it("control: a sound snapshot (as JSON) has no problem and plans a move", () => {
    const snapshot = sound();
    assert.strictEqual(snapshotProblem(snapshot), undefined);
    assert.strictEqual(planMoves(snapshot as Snapshot, { now: NOW, surgeTimeoutSeconds: 900 }).moves.length, 1);
  });

  // the cases first, then the other places the engine reads
  const cases: Array<[string, (s: Record<string, any>) => void, string]> = [
    // eslint-disable-line @typescript-eslint/no-explicit-any
    ["attributes: {}", (s) => (s.containerInstances[0].attributes = {}), "snapshot.containerInstances[0].attributes: expected a list"],
    [
      "remainingResources: [null]",
      (s) => (s.containerInstances[0].remainingResources = [null]),
      "snapshot.containerInstances[0].remainingResources[0]: expected an object",
    ],
    ['tags: "x"', (s) => (s.services[0].tags = "x"), "snapshot.services[0].tags: expected a list"],
    ["deployments: 7", (s) => (s.services[0].deployments = 7), "snapshot.services[0].deployments: expected a list"],
    [
      'container cpu "abc"',
      (s) => (s.taskDefinitions[0].containerDefinitions[0].cpu = "abc"),
      "snapshot.taskDefinitions[0].containerDefinitions[0].cpu: expected an integer >= 0",
    ],
    ['task-level cpu "abc"', (s) => (s.taskDefinitions[0].cpu = "abc"), "snapshot.taskDefinitions[0].cpu: expected a number as a string"],
    ["clusterArn missing", (s) => delete s.clusterArn, "snapshot.clusterArn: missing"],
    ["tasks: {}", (s) => (s.tasks = {}), "snapshot.tasks: expected a list"],
    [
      "an attribute value of 129 characters",
      (s) => (s.containerInstances[0].attributes[2].value = "w".repeat(129)),
      "snapshot.containerInstances[0].attributes[2].value: expected a string of at most 128",
    ],
    [
      "attribute name null",
      (s) => (s.containerInstances[0].attributes[0].name = null),
      "snapshot.containerInstances[0].attributes[0].name: expected a string of at most 128",
    ],
    [
      'agentConnected "yes"',
      (s) => (s.containerInstances[0].agentConnected = "yes"),
      "snapshot.containerInstances[0].agentConnected: expected true or false",
    ],
    ["status 1", (s) => (s.containerInstances[1].status = 1), "snapshot.containerInstances[1].status: expected a string"],
    [
      'integerValue "512"',
      (s) => (s.containerInstances[0].remainingResources[0].integerValue = "512"),
      "snapshot.containerInstances[0].remainingResources[0].integerValue: expected an integer",
    ],
    [
      'stringSetValue "80"',
      (s) => (s.containerInstances[0].remainingResources[2].stringSetValue = "80"),
      "snapshot.containerInstances[0].remainingResources[2].stringSetValue: expected a list",
    ],
    ["desiredCount -1", (s) => (s.services[0].desiredCount = -1), "snapshot.services[0].desiredCount: expected an integer >= 0"],
    ["runningCount 2.5", (s) => (s.services[0].runningCount = 2.5), "snapshot.services[0].runningCount: expected an integer >= 0"],
    [
      'minimumHealthyPercent "50"',
      (s) => (s.services[0].deploymentConfiguration.minimumHealthyPercent = "50"),
      "snapshot.services[0].deploymentConfiguration.minimumHealthyPercent: expected an integer >= 0",
    ],
    [
      "deploymentConfiguration []",
      (s) => (s.services[0].deploymentConfiguration = []),
      "snapshot.services[0].deploymentConfiguration: expected an object",
    ],
    [
      "placementStrategy[0].field 3",
      (s) => (s.services[0].placementStrategy[0].field = 3),
      "snapshot.services[0].placementStrategy[0].field: expected a string",
    ],
    [
      "placementConstraints[0].expression {}",
      (s) => (s.services[0].placementConstraints[0].expression = {}),
      "snapshot.services[0].placementConstraints[0].expression: expected a string",
    ],
    [
      "a tag value 5",
      (s) => (s.services[0].tags = [{ key: SURGE_TAG, value: 5 }]),
      "snapshot.services[0].tags[0].value: expected a string",
    ],
    [
      'deploymentController "ECS"',
      (s) => (s.services[0].deploymentController = "ECS"),
      "snapshot.services[0].deploymentController: expected an object",
    ],
    [
      "deployments[0].rolloutState false",
      (s) => (s.services[0].deployments[0].rolloutState = false),
      "snapshot.services[0].deployments[0].rolloutState: expected a string",
    ],
    [
      'capacityProviderStrategy "FARGATE"',
      (s) => (s.services[0].capacityProviderStrategy = "FARGATE"),
      "snapshot.services[0].capacityProviderStrategy: expected a list",
    ],
    ['createdAt "yesterday"', (s) => (s.services[0].createdAt = "yesterday"), "snapshot.services[0].createdAt: expected a timestamp"],
    ["serviceName missing", (s) => delete s.services[0].serviceName, "snapshot.services[0].serviceName: missing"],
    ["a task null", (s) => (s.tasks[1] = null), "snapshot.tasks[1]: expected an object"],
    [
      "task containerInstanceArn 0",
      (s) => (s.tasks[0].containerInstanceArn = 0),
      "snapshot.tasks[0].containerInstanceArn: expected a string",
    ],
    ['task startedAt "soon"', (s) => (s.tasks[0].startedAt = "soon"), "snapshot.tasks[0].startedAt: expected a timestamp"],
    ["task healthStatus []", (s) => (s.tasks[0].healthStatus = []), "snapshot.tasks[0].healthStatus: expected a string"],
    [
      'portMappings[0].hostPort "80"',
      (s) => (s.taskDefinitions[0].containerDefinitions[0].portMappings[0].hostPort = "80"),
      "snapshot.taskDefinitions[0].containerDefinitions[0].portMappings[0].hostPort: expected an integer >= 0",
    ],
    [
      "containerDefinitions {}",
      (s) => (s.taskDefinitions[0].containerDefinitions = {}),
      "snapshot.taskDefinitions[0].containerDefinitions: expected a list",
    ],
  ];
  for (const [name, spoil, problem] of cases) {
    it(`${name} → "${problem}…"`, () => {
      const snapshot = sound();
      spoil(snapshot);
      assert.ok(snapshotProblem(snapshot)?.startsWith(problem), `got ${snapshotProblem(snapshot)}`);
    });
  }

  it("read from the API: a wrong-typed field stops the read with one line naming the path", async () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [{ name: "web" }]);
    Object.assign(snapshot.containerInstances[0], { attributes: {} });
    await assert.rejects(readSnapshot(new FakeEcs(snapshot), snapshot.clusterArn), (error: Error) => {
      assert.match(
        error.message,
        /^ECS answered a snapshot the engine cannot use: snapshot\.containerInstances\[0\]\.attributes: expected a list, got an object with 0 key\(s\)$/,
      );
      return true;
    });
  });

  it("property: any value put anywhere in a snapshot is either named as a problem or planned without an exception", () => {
    const paths: Array<Array<string | number>> = [];
    const walk = (node: unknown, path: Array<string | number>) => {
      paths.push(path);
      if (node && typeof node === "object")
        for (const [key, child] of Object.entries(node)) walk(child, [...path, Array.isArray(node) ? Number(key) : key]);
    };
    walk(sound(), []);
    const values = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer({ min: -3, max: 5 }),
      fc.double(),
      fc.string({ maxLength: 4 }),
      fc.constant([]),
      fc.constant({}),
      fc.constant([null]),
      fc.constant("abc"),
    );
    fc.assert(
      fc.property(fc.nat(paths.length - 1), values, (at, value) => {
        const snapshot = sound();
        const path = paths[at];
        if (path.length === 0) return;
        let parent = snapshot;
        for (const key of path.slice(0, -1)) parent = parent[key];
        parent[path[path.length - 1]] = value;
        if (snapshotProblem(snapshot) !== undefined) return;
        planMoves(snapshot as Snapshot, { now: NOW, surgeTimeoutSeconds: 900 }); // must not throw
      }),
      { numRuns: 3000 },
    );
  });
});
