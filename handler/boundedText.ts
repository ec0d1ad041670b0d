/**
 * A short, safe description of a value read from outside (an event field, an error): never deeper
 * than one level and never longer than `max` characters. JSON.stringify would recurse through a
 * value nested thousands deep (a direct Invoke can send one) until the stack overflows, and would
 * copy a megabyte string into every log line.
 */
export const MAX_TEXT = 200;

export function boundedText(value: unknown, max = MAX_TEXT): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value.length > max ? value.slice(0, max) : value);
  else if (value === null || typeof value !== "object") text = String(value);
  else if (Array.isArray(value)) text = `a list of ${value.length}`;
  else {
    const keys = Object.keys(value);
    text = `an object with ${keys.length} key(s)${keys.length ? `: ${keys.slice(0, 5).join(", ")}` : ""}`;
  }
  return truncate(text, max);
}

export function truncate(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
