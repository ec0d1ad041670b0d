import type { Service, Tag } from "@aws-sdk/client-ecs";

/**
 * A surge (start-before-stop) spans several runs, and every run is stateless, so its state lives on
 * the service itself as a tag: the desired count to restore, the raised count, and when it began.
 * Anyone can read it with `aws ecs list-tags-for-resource`, and a later run can always finish it or
 * roll it back.
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
}

/**
 * `from=2 to=3 at=2026-11-28T07:16:09.252Z`: ECS allows only letters, digits, spaces and
 * `_ . : / = + - @` in a tag value (the model's pattern), so the fields are separated by spaces.
 */
export function formatSurge(surge: Surge): string {
  return `from=${surge.from} to=${surge.to} at=${surge.startedAt.toISOString()}`;
}

export function surgeTag(surge: Surge): Tag {
  return { key: SURGE_TAG, value: formatSurge(surge) };
}

/** The surge recorded on a service; "malformed" when the tag exists but cannot be read. */
export function readSurge(service: Service): Surge | "malformed" | undefined {
  const value = tagValue(service, SURGE_TAG);
  if (value === undefined) return undefined;
  const match = /^from=(\d+) to=(\d+) at=([0-9T:.\-Z]+)$/.exec(value);
  if (!match) return "malformed";
  const startedAt = new Date(match[3]);
  const from = Number(match[1]);
  const to = Number(match[2]);
  if (Number.isNaN(startedAt.getTime()) || to <= from) return "malformed";
  return { from, to, startedAt };
}

export function tagValue(service: Service, key: string): string | undefined {
  return service.tags?.find((t) => t.key === key)?.value;
}
