/**
 * The official ECS contract as the simulator enforces it: every request and every response of an
 * operation is checked against the model extract (ecsModelExtract.json, written by
 * scripts/extractEcsModel.ts from botocore's service-2.json; never edited by hand).
 */
import extract from "./ecsModelExtract.json";
import { checkShape, type ShapeTable, type Violation } from "./shapeCheck";

export type { Violation } from "./shapeCheck";

const shapes = extract.shapes as unknown as ShapeTable;
const operations = extract.operations as Record<string, { input?: string; output?: string; errors: string[] }>;

/**
 * Errors any AWS JSON operation may answer although the model lists them per operation or not at
 * all (AWS's common errors: throttling, authorization, an unknown target).
 */
export const COMMON_ERRORS = ["ThrottlingException", "AccessDeniedException", "UnknownOperationException"] as const;

export const MODEL_PROVENANCE = extract.provenance;

export function coveredOperations(): string[] {
  return Object.keys(operations);
}

export function isCovered(operation: string): boolean {
  return operation in operations;
}

export function requestViolations(operation: string, body: unknown): Violation[] {
  const input = operations[operation]?.input;
  if (!operations[operation]) return [{ at: "", message: `operation ${operation} is not in the model extract` }];
  return input ? checkShape(shapes, input, body ?? {}) : [];
}

export function responseViolations(operation: string, body: unknown): Violation[] {
  const output = operations[operation]?.output;
  if (!operations[operation]) return [{ at: "", message: `operation ${operation} is not in the model extract` }];
  return output ? checkShape(shapes, output, body ?? {}) : [];
}

/** Whether the operation may answer with this error code: its modelled errors or a common one. */
export function isModelledError(operation: string, code: string): boolean {
  return (COMMON_ERRORS as readonly string[]).includes(code) || (operations[operation]?.errors ?? []).includes(code);
}

/** Checks one value against a named shape (a TagValue, say); used by specs on what the engine sends. */
export function shapeViolations(shapeName: string, value: unknown, at = ""): Violation[] {
  return checkShape(shapes, shapeName, value, at);
}

/** AWS's summary of a request's violations: "2 validation errors detected: a; b". */
export function describeViolations(violations: Violation[]): string {
  const count = violations.length;
  return `${count} validation error${count === 1 ? "" : "s"} detected: ${violations.map((v) => v.message).join("; ")}`;
}
