/**
 * ECS's tag rules beyond the model's shapes (which already bound each key, value and request to
 * 1-128 / 0-256 characters of the allowed set and 50 tags): a resource holds at most 50 tags in
 * all, and the `aws:` prefix, in any case, is reserved for AWS, so it can be neither set nor removed.
 */
import type { Tag } from "@aws-sdk/client-ecs";
import { invalidParameter } from "./errors";

export const MAX_TAGS_PER_RESOURCE = 50;

export function requireUserTagKeys(keys: Array<string | undefined>): void {
  const reserved = keys.find((key) => key?.toLowerCase().startsWith("aws:"));
  if (reserved !== undefined) throw invalidParameter(`Tag key '${reserved}' is invalid: the aws: prefix is reserved for AWS use.`);
}

/** The resource's tags after adding `added` (a key already present takes the new value). */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  requireUserTagKeys(added.map((t) => t.key));
  const byKey = new Map(existing.map((t) => [t.key, t]));
  for (const tag of added) byKey.set(tag.key, { key: tag.key, value: tag.value });
  if (byKey.size > MAX_TAGS_PER_RESOURCE) {
    throw invalidParameter(`The resource would have ${byKey.size} tags; a resource can have at most ${MAX_TAGS_PER_RESOURCE}.`);
  }
  return [...byKey.values()];
}
