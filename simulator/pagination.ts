/**
 * List* pagination. The token is the last ARN returned, so a page boundary stays put when
 * items are added or removed between calls (lists are sorted by ARN).
 */
import { invalidParameter } from "./errors";

export interface Page {
  items: string[];
  nextToken?: string;
}

export function paginate(
  sortedItems: string[],
  request: { maxResults?: number; nextToken?: string },
  defaultSize: number,
  maxSize = 100,
): Page {
  const size = request.maxResults ?? defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > maxSize) {
    throw invalidParameter(`maxResults ${request.maxResults} must be an integer between 1 and ${maxSize}.`);
  }
  let start = 0;
  if (request.nextToken) {
    const after = decodeToken(request.nextToken);
    start = sortedItems.findIndex((item) => item > after);
    if (start < 0) start = sortedItems.length;
  }
  const items = sortedItems.slice(start, start + size);
  const hasMore = start + size < sortedItems.length;
  return { items, nextToken: hasMore ? encodeToken(items[items.length - 1]) : undefined };
}

function encodeToken(lastItem: string): string {
  return Buffer.from(JSON.stringify({ after: lastItem })).toString("base64");
}

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { after?: unknown };
    if (typeof parsed.after === "string") return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw invalidParameter("Invalid nextToken.");
}

export function sortedArns(arns: Iterable<string>): string[] {
  return [...arns].sort();
}
