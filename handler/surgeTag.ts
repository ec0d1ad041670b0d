import type { Service, Tag } from "@aws-sdk/client-ecs";
import { createHash } from "crypto";
import { maximumRunningCount } from "./deploymentBounds";

/**
 * A surge (start-before-stop) spans several runs, and every run is stateless, so its state lives on
 * the service itself as a tag: the desired count to restore, the raised count, and when it began.
 * Anyone can read it with `aws ecs list-tags-for-resource`, and a later run can always finish it or
 * roll it back.
 *
 * Anyone who may tag the service can also write it, and tags are copied between services by
 * people and by infrastructure code. So the value carries a proof: a digest of the service's
 * identity (its ARN and creation time, as DescribeServices returns them) and of the surge's own
 * fields. A hand-written value, or one copied from another service or from an earlier service of
 * the same name, does not match and is forgotten, never acted on. The digest has no secret key: it
 * defeats mistakes and copies, not someone who reads this file and may already call UpdateService;
 * the executor's floor checks (deploymentBounds.ts) hold whatever the tag says.
 */
export const SURGE_TAG = "ecs-rebalancer:surge";
/** A service tagged with this key and the value "true" is never touched. */
export const IGNORE_TAG = "ecs-rebalancer:ignore";

export interface Surge {
  /** The desired count before the surge; restored when the surge ends. */
  from: number;
  /** The raised desired count. */
  to: number;
  startedAt: Date;
  /**
   * The tasks (their IDs, the last part of the ARN) the planned moves take away: the completion
   * stops these if the service is balanced without them, so that a move lands where it was planned
   * rather than where a tie-break between equally balanced layouts would put it. Recorded for at
   * most MAX_GIVE tasks (the value's 256 characters); absent, the completion chooses by the spread.
   */
  give?: string[];
  /**
   * The EC2 instance the surge's started task is pinned to (surgePin.ts): a placement constraint the
   * surge added, which whichever run ends the surge removes.
   */
  pin?: string;
}

export const MAX_GIVE = 4;
const MAX_TAG_VALUE = 256;

/** What the proof binds a surge to: the service as DescribeServices identifies it. */
export type ServiceIdentity = Pick<Service, "serviceArn" | "createdAt">;

/** 16 hex digits (64 bits) of SHA-256: enough that a copied or guessed value never matches by chance. */
const PROOF_LENGTH = 16;

/**
 * `from=2 to=3 at=2026-11-28T07:16:09.252Z proof=5d41402abc4b2a76`: ECS allows only letters,
 * digits, spaces and `_ . : / = + - @` in a tag value (the model's pattern), at most 256 characters,
 * so the fields are separated by spaces and the proof is hexadecimal (about 75 characters in all).
 */
export function formatSurge(surge: Surge, service: ServiceIdentity): string {
  // ECS's limit is 256 characters: without `give` the completion chooses by the spread instead
  // (a pinned surge is only written when it fits whole: surgeFits)
  return surgeFits(surge, service) ? tagValueOf(surge, service) : tagValueOf({ ...surge, give: undefined }, service);
}

/** Whether the surge's tag keeps every field within ECS's 256 characters. */
export function surgeFits(surge: Surge, service: ServiceIdentity): boolean {
  return tagValueOf(surge, service).length <= MAX_TAG_VALUE;
}

/** Every field of the surge, and its proof. */
function tagValueOf(surge: Surge, service: ServiceIdentity): string {
  // task IDs joined by "+": a comma is outside ECS's tag value pattern
  const give = surge.give?.length ? ` give=${surge.give.join("+")}` : "";
  const pin = surge.pin ? ` pin=${surge.pin}` : "";
  const fields = `from=${surge.from} to=${surge.to} at=${surge.startedAt.toISOString()}${give}${pin}`;
  return `${fields} proof=${surgeProof(fields, service)}`;
}

export function surgeTag(surge: Surge, service: ServiceIdentity): Tag {
  return { key: SURGE_TAG, value: formatSurge(surge, service) };
}

/** Why a tag cannot be read as one of ours; the planner forgets such a tag with this reason. */
export interface UnreadableSurge {
  problem: string;
}

/** The surge recorded on a service, why its tag is not ours (`problem`), or undefined without a tag. */
export function readSurge(service: Service): Surge | UnreadableSurge | undefined {
  const value = tagValue(service, SURGE_TAG);
  if (value === undefined) return undefined;
  const match =
    /^(from=(\d{1,10}) to=(\d{1,10}) at=([0-9T:.\-Z]{1,30})(?: give=([0-9A-Za-z-]{1,64}(?:\+[0-9A-Za-z-]{1,64}){0,3}))?(?: pin=(i-[0-9a-f]{8,17}))?) proof=([0-9a-f]+)$/.exec(
      value,
    );
  if (!match)
    return { problem: `the surge tag "${value.slice(0, 80)}" is not in the form from=N to=M at=ISO [give=ID+ID] [pin=EC2-ID] proof=HEX` };
  const [, fields, from, to, at, give, pin, proof] = match;
  if (proof !== surgeProof(fields, service)) {
    return { problem: "the surge tag's proof does not match this service (hand-written, or copied from another service)" };
  }
  const startedAt = new Date(at);
  if (Number.isNaN(startedAt.getTime())) return { problem: `the surge tag's time "${at}" is not a date` };
  return { from: Number(from), to: Number(to), startedAt, ...(give ? { give: give.split("+") } : {}), ...(pin ? { pin } : {}) };
}

/** A task's ID: the last part of its ARN (both ARN formats end with it). */
export function taskId(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf("/") + 1);
}

/** Clock skew allowed between the run that wrote a surge and the one reading it. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/**
 * Why a surge with a valid proof still does not fit the service as DescribeServices shows it now,
 * or undefined when it fits. The rebalancer surges only services of 2 tasks or more (smaller ones
 * are skipped), by at most maximumPercent above `from`; a surge outside those bounds was not made
 * by this rebalancer and is never acted on.
 */
export function surgeMisfit(service: Service, surge: Surge, now: Date): string | undefined {
  const { from, to } = surge;
  if (to <= from) return `the surge tag says from=${from} to=${to}: a surge raises the count`;
  if (from < 2) return `the surge tag says from=${from}: the rebalancer never surges a service of fewer than 2 tasks`;
  const limit = maximumRunningCount(service, from);
  if (to > limit) return `the surge tag says from=${from} to=${to}, beyond maximumPercent's ${limit} tasks for ${from}`;
  if (surge.startedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    return `the surge tag's time ${surge.startedAt.toISOString()} is in the future`;
  }
  if (service.desiredCount !== to) {
    // restored already, never applied, or changed by someone else (an autoscaler): theirs now
    return `desired count is ${service.desiredCount}, not the surge's ${to}`;
  }
  return undefined;
}

function surgeProof(fields: string, service: ServiceIdentity): string {
  // the SDK gives a Date; a snapshot file the AWS CLI's ISO string or the wire protocol's epoch
  // seconds: all three name the same instant, so a surge reads the same from the API and a file
  const createdAt: unknown = service.createdAt;
  const createdAtMs =
    createdAt instanceof Date
      ? createdAt.getTime()
      : typeof createdAt === "number"
        ? Math.round(createdAt * 1000)
        : typeof createdAt === "string"
          ? Date.parse(createdAt)
          : "";
  const identity = `${service.serviceArn ?? ""}\n${createdAtMs}\n${fields}`;
  return createHash("sha256").update(identity).digest("hex").slice(0, PROOF_LENGTH);
}

export function tagValue(service: Service, key: string): string | undefined {
  return service.tags?.find((t) => t.key === key)?.value;
}
