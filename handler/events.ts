import { boundedText, truncate } from "./boundedText";

/**
 * What an incoming event asks for. EventBridge delivers at least once and possibly out of order,
 * and ECS may add fields, so parsing is tolerant of extra fields and strict only about what we use.
 */
export const INSTANCE_STATE_CHANGE = "ECS Container Instance State Change";
export const SCHEDULED_EVENT = "Scheduled Event";
export const SERVICE_ACTION = "ECS Service Action";

export type Trigger =
  | { kind: "instance-change"; id: string; clusterArn: string; containerInstanceArn: string; version: number | undefined }
  | { kind: "service-steady"; id: string; clusterArn: string }
  | { kind: "schedule"; id: string }
  | { kind: "ignore"; id: string; reason: string };

/** EventBridge event ids are UUIDs; a longer id (only a direct Invoke can send one) is cut for the logs. */
const MAX_ID = 128;

export function readTrigger(event: unknown): Trigger {
  if (!isObject(event)) return ignore("?", `event is ${event === null ? "null" : typeof event}, not an object`);
  const id = typeof event.id === "string" ? truncate(event.id, MAX_ID) : "?";
  const detailType = event["detail-type"];
  if (event.source === "aws.events" && detailType === SCHEDULED_EVENT) return { kind: "schedule", id };
  if (event.source !== "aws.ecs") return ignore(id, `source is ${boundedText(event.source)}, expected "aws.ecs"`);
  if (detailType !== INSTANCE_STATE_CHANGE && detailType !== SERVICE_ACTION) {
    return ignore(id, `detail-type is ${boundedText(detailType)}`);
  }
  const detail = event.detail;
  if (!isObject(detail)) return ignore(id, "detail is missing");
  if (typeof detail.clusterArn !== "string") return ignore(id, "detail.clusterArn is missing");
  if (detailType === SERVICE_ACTION) {
    // a service just became steady: a surge waiting for its extra tasks can be finished now
    if (detail.eventName !== "SERVICE_STEADY_STATE") return ignore(id, `service action ${boundedText(detail.eventName)}`);
    return { kind: "service-steady", id, clusterArn: detail.clusterArn };
  }
  if (typeof detail.containerInstanceArn !== "string") return ignore(id, "detail.containerInstanceArn is missing");
  // only an instance that can take tasks can be a target; a DRAINING or disconnected one cannot
  if (detail.status !== "ACTIVE") return ignore(id, `instance status is ${boundedText(detail.status)}`);
  if (detail.agentConnected !== true) return ignore(id, "instance agent is not connected");
  return {
    kind: "instance-change",
    id,
    clusterArn: detail.clusterArn,
    containerInstanceArn: detail.containerInstanceArn,
    version: typeof detail.version === "number" ? detail.version : undefined,
  };
}

function ignore(id: string, reason: string): Trigger {
  return { kind: "ignore", id, reason };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
