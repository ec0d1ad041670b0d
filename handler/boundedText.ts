/**
 * A short, safe description of a value read from outside (an event field, an error): never deeper
 * than one level and never longer than `max` characters. JSON.stringify would recurse through a
 * value nested thousands deep (a direct Invoke can send one) until the stack overflows, and would
 * copy a megabyte string into every log line.
 */
export const MAX_TEXT = 200;

export function boundedText(value: unknown, max = MAX_TEXT): string {
  return truncate(describe(value), max);
}

export function truncate(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value);
  if (value === null || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  const keys = Object.keys(value);
  return `an object with ${keys.length} key(s)${keys.length ? `: ${keys.slice(0, 5).map((k) => truncate(k, 30)).join(", ")}` : ""}`;
}
