/**
 * EventBridge's matching of an event against a pattern, in the subset our rules use: a list of
 * values matches when the event's value equals one of them, an object matches field by field.
 * The simulate command routes simulator events through the deployed rule's own pattern.
 */
export type EventPattern = { [key: string]: unknown[] | EventPattern };

export function matchesPattern(event: unknown, pattern: EventPattern): boolean {
  if (typeof event !== "object" || event === null) return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) =>
    Array.isArray(expected) ? expected.includes(record[key]) : matchesPattern(record[key], expected as EventPattern),
  );
}
