import * as assert from "assert";
import { readTrigger, Trigger } from "../../handler/events";
import { CLUSTER_ARN, instanceArn } from "./fixtures";

/** An "ECS Container Instance State Change" event as EventBridge delivers it. */
function instanceEvent(detail: Record<string, unknown> = {}, envelope: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: "0",
    id: "event-1",
    "detail-type": "ECS Container Instance State Change",
    source: "aws.ecs",
    account: "123456789012",
    time: "2026-03-01T12:00:00Z",
    region: "us-east-1",
    resources: [instanceArn(1)],
    detail: {
      clusterArn: CLUSTER_ARN,
      containerInstanceArn: instanceArn(1),
      ec2InstanceId: "i-00000000000000001",
      status: "ACTIVE",
      agentConnected: true,
      version: 7,
      registeredResources: [{ name: "CPU", type: "INTEGER", integerValue: 2048 }],
      remainingResources: [{ name: "CPU", type: "INTEGER", integerValue: 2048 }],
      attributes: [{ name: "ecs.availability-zone", value: "us-east-1b" }],
      updatedAt: "2026-03-01T12:00:00Z",
      ...detail,
    },
    ...envelope,
  };
}

const scheduled = { version: "0", id: "event-2", "detail-type": "Scheduled Event", source: "aws.events", detail: {} };
const change: Trigger = {
  kind: "instance-change",
  id: "event-1",
  clusterArn: CLUSTER_ARN,
  containerInstanceArn: instanceArn(1),
  version: 7,
};

describe("events: readTrigger", () => {
  const cases: Array<[string, unknown, Trigger | { kind: "ignore"; reason: RegExp; id?: string }]> = [
    ["a valid instance change → instance-change with cluster, instance and detail.version", instanceEvent(), change],
    ["a scheduled event → schedule", scheduled, { kind: "schedule", id: "event-2" }],
    ["wrong source → ignored", instanceEvent({}, { source: "aws.ec2" }), { kind: "ignore", reason: /source/ }],
    [
      "wrong detail-type → ignored",
      instanceEvent({}, { "detail-type": "ECS Task State Change" }),
      { kind: "ignore", reason: /detail-type/ },
    ],
    [
      "Scheduled Event from aws.ecs (wrong source for a schedule) → ignored",
      { ...scheduled, source: "aws.ecs" },
      { kind: "ignore", reason: /detail-type/, id: "event-2" },
    ],
    [
      "ECS Service Action SERVICE_STEADY_STATE → service-steady for its cluster",
      {
        ...instanceEvent(),
        "detail-type": "ECS Service Action",
        detail: { clusterArn: CLUSTER_ARN, eventName: "SERVICE_STEADY_STATE", eventType: "INFO" },
      },
      { kind: "service-steady", id: "event-1", clusterArn: CLUSTER_ARN },
    ],
    [
      "ECS Service Action of another name → ignored",
      {
        ...instanceEvent(),
        "detail-type": "ECS Service Action",
        detail: { clusterArn: CLUSTER_ARN, eventName: "SERVICE_TASK_PLACEMENT_FAILURE" },
      },
      { kind: "ignore", reason: /SERVICE_TASK_PLACEMENT_FAILURE/ },
    ],
    ["missing detail → ignored", instanceEvent({}, { detail: undefined }), { kind: "ignore", reason: /detail is missing/ }],
    ["detail an array → ignored", instanceEvent({}, { detail: [] }), { kind: "ignore", reason: /detail is missing/ }],
    ["missing detail.clusterArn → ignored", instanceEvent({ clusterArn: undefined }), { kind: "ignore", reason: /clusterArn/ }],
    [
      "missing detail.containerInstanceArn → ignored",
      instanceEvent({ containerInstanceArn: undefined }),
      { kind: "ignore", reason: /containerInstanceArn/ },
    ],
    [
      "a DRAINING instance → ignored (it cannot be a target)",
      instanceEvent({ status: "DRAINING" }),
      { kind: "ignore", reason: /DRAINING/ },
    ],
    ["agent disconnected → ignored", instanceEvent({ agentConnected: false }), { kind: "ignore", reason: /agent/ }],
    ["null → ignored", null, { kind: "ignore", reason: /null/, id: "?" }],
    ["an array → ignored", [instanceEvent()], { kind: "ignore", reason: /object/, id: "?" }],
    ["a string → ignored", JSON.stringify(instanceEvent()), { kind: "ignore", reason: /string/, id: "?" }],
    ["undefined → ignored", undefined, { kind: "ignore", reason: /undefined/, id: "?" }],
    [
      "extra unknown fields (envelope and detail) are tolerated",
      instanceEvent({ newEcsField: { nested: true }, capacityProviderName: "cp" }, { "replay-name": "r", extra: 1 }),
      change,
    ],
    ["a non-numeric detail.version → version undefined", instanceEvent({ version: "7" }), { ...change, version: undefined }],
    ["no id → id '?'", instanceEvent({}, { id: undefined }), { ...change, id: "?" }],
  ];
  for (const [name, event, expected] of cases) {
    it(name, () => {
      const trigger = readTrigger(event);
      if (expected.kind === "ignore" && "reason" in expected && expected.reason instanceof RegExp) {
        assert.strictEqual(trigger.kind, "ignore");
        if (trigger.kind === "ignore") assert.match(trigger.reason, expected.reason);
        assert.strictEqual(trigger.id, expected.id ?? "event-1");
      } else {
        assert.deepStrictEqual(trigger, expected);
      }
    });
  }
});
