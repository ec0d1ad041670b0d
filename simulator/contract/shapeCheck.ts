/**
 * Checks a JSON value against a shape of the ECS model extract: members (unknown and missing
 * required ones), types, enums, patterns, lengths, list sizes, map sizes and numeric ranges.
 * Messages follow AWS's validation errors: "Value 'x' at 'tags.1.member.value' failed to satisfy
 * constraint: ..." (lists are counted from 1, as AWS does).
 */
import { anchoredPattern, compilePattern } from "./pattern";

export interface ExtractShape {
  type: string;
  required?: string[];
  members?: Record<string, string>;
  member?: string;
  key?: string;
  value?: string;
  enum?: string[];
  pattern?: string;
  min?: number;
  max?: number;
  /** A document: any JSON value (the model's `document` trait, as on HookDetails). */
  document?: boolean;
}

export type ShapeTable = Record<string, ExtractShape>;

export interface Violation {
  /** Where, in AWS's notation: `tags.1.member.value`; empty for the whole body. */
  at: string;
  message: string;
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

export function checkShape(shapes: ShapeTable, shapeName: string, value: unknown, at = ""): Violation[] {
  const out: Violation[] = [];
  checkInto(shapes, shapeName, value, at, out);
  return out;
}

// every request and response of the simulator passes here: violations are appended to one array
function checkInto(shapes: ShapeTable, shapeName: string, value: unknown, at: string, out: Violation[]): void {
  const shape = shapes[shapeName];
  if (!shape) {
    out.push({ at, message: `shape ${shapeName} is not in the model extract` });
    return;
  }
  if (shape.document) return;
  const fail = (constraint: string) =>
    out.push({ at, message: `Value ${quote(value)} at '${at}' failed to satisfy constraint: ${constraint}` });
  switch (shape.type) {
    case "structure":
      if (!isObject(value)) fail("Member must be a structure");
      else checkStructure(shapes, shape, value, at, out);
      break;
    case "list":
      if (!Array.isArray(value)) fail("Member must be a list");
      else checkList(shapes, shape, value, at, fail, out);
      break;
    case "map":
      if (!isObject(value)) fail("Member must be a map");
      else checkMap(shapes, shape, value, at, fail, out);
      break;
    case "string":
      if (typeof value !== "string") fail("Member must be a string");
      else checkString(shapeName, shape, value, fail);
      break;
    default:
      checkScalar(shape, value, fail);
  }
}

function checkStructure(shapes: ShapeTable, shape: ExtractShape, value: Record<string, unknown>, at: string, out: Violation[]): void {
  const members = shape.members ?? {};
  for (const name of shape.required ?? []) {
    if (value[name] === undefined)
      out.push({ at: join(at, name), message: `Value null at '${join(at, name)}' failed to satisfy constraint: Member must not be null` });
  }
  for (const [name, member] of Object.entries(value)) {
    if (member === undefined) continue; // absent, as JSON sends it
    const shapeName = members[name];
    if (!shapeName) out.push({ at: join(at, name), message: `Member '${name}' at '${at || "(body)"}' is not defined in the ECS model` });
    else checkInto(shapes, shapeName, member, join(at, name), out);
  }
}

function checkList(
  shapes: ShapeTable,
  shape: ExtractShape,
  value: unknown[],
  at: string,
  fail: (c: string) => void,
  out: Violation[],
): void {
  checkSize(shape, value.length, fail);
  value.forEach((item, i) => checkInto(shapes, shape.member!, item, `${join(at, String(i + 1))}.member`, out));
}

function checkMap(
  shapes: ShapeTable,
  shape: ExtractShape,
  value: Record<string, unknown>,
  at: string,
  fail: (c: string) => void,
  out: Violation[],
): void {
  checkSize(shape, Object.keys(value).length, fail);
  for (const [key, item] of Object.entries(value)) {
    checkInto(shapes, shape.key!, key, `${join(at, key)}.key`, out);
    checkInto(shapes, shape.value!, item, join(at, key), out);
  }
}

function checkString(shapeName: string, shape: ExtractShape, value: string, fail: (c: string) => void): void {
  // AWS counts characters, not UTF-16 code units
  if (shape.min !== undefined || shape.max !== undefined) checkSize(shape, codePoints(value), fail);
  if (shape.enum && !shape.enum.includes(value)) fail(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
  if (shape.pattern !== undefined && !compilePattern(shape.pattern, shapeName).test(value)) {
    fail(`Member must satisfy regular expression pattern: ${anchoredPattern(shape.pattern)}`);
  }
}

function checkSize(shape: ExtractShape, length: number, fail: (c: string) => void): void {
  if (shape.min !== undefined && length < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && length > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
}

/** integer (32-bit), long, double, boolean, and timestamp (epoch seconds in the JSON 1.1 protocol). */
function checkScalar(shape: ExtractShape, value: unknown, fail: (c: string) => void): void {
  if (shape.type === "boolean") {
    if (typeof value !== "boolean") fail("Member must be a boolean");
    return;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(shape.type === "timestamp" ? "Member must be a timestamp in epoch seconds" : `Member must be a number (${shape.type})`);
    return;
  }
  if (shape.type === "integer" && !(Number.isInteger(value) && value >= INT32.min && value <= INT32.max))
    fail("Member must be a 32-bit integer");
  if (shape.type === "long" && !Number.isSafeInteger(value)) fail("Member must be an integer (long)");
  if (shape.type === "timestamp" && value < 0) fail("Member must be a timestamp in epoch seconds");
  if (shape.min !== undefined && value < shape.min) fail(`Member must have value greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && value > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
}

/** Characters (code points) without building an array: a low surrogate ends a pair counted already. */
function codePoints(value: string): number {
  let count = value.length;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff && i > 0) {
      const previous = value.charCodeAt(i - 1);
      if (previous >= 0xd800 && previous <= 0xdbff) count--;
    }
  }
  return count;
}

function join(at: string, name: string): string {
  return at ? `${at}.${name}` : name;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function quote(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `'${value.length > 80 ? `${value.slice(0, 80)}...` : value}'`;
  if (typeof value === "object") return Array.isArray(value) ? "(list)" : "(structure)";
  return `'${String(value)}'`;
}
