import type { ContainerInstance, PlacementConstraint } from "@aws-sdk/client-ecs";

/**
 * Evaluates ECS cluster query language for `memberOf` constraints, in the subset the planner can
 * decide from a container instance alone: `attribute:<name>` compared with ==, !=, in [..],
 * not in [..], =~ (with * wildcards) or `exists`, joined by `and`. Anything else returns
 * undefined, and the service is skipped: a constraint is binding, so guessing would be unsafe.
 */
export type InstancePredicate = (instance: ContainerInstance) => boolean;

export function compileConstraints(constraints: PlacementConstraint[]): InstancePredicate | { unsupported: string } {
  const predicates: InstancePredicate[] = [];
  for (const constraint of constraints) {
    if (constraint.type === "distinctInstance") continue; // handled as a capacity of one task per instance
    if (constraint.type !== "memberOf" || !constraint.expression) {
      return { unsupported: `${constraint.type ?? "?"} ${constraint.expression ?? ""}`.trim() };
    }
    const predicate = compileExpression(constraint.expression);
    if (!predicate) return { unsupported: constraint.expression };
    predicates.push(predicate);
  }
  return (instance) => predicates.every((p) => p(instance));
}

export function compileExpression(expression: string): InstancePredicate | undefined {
  if (/[()]|\bor\b|\|\|/.test(expression)) return undefined;
  const clauses = expression.split(/\s+and\s+|\s*&&\s*/);
  const compiled = clauses.map(compileClause);
  if (compiled.some((c) => !c)) return undefined;
  return (instance) => compiled.every((c) => c!(instance));
}

const CLAUSE = /^\s*attribute:([\w.\-:]+)\s*(==|!=|=~|!~|not in|in|exists)\s*(.*?)\s*$/;

function compileClause(clause: string): InstancePredicate | undefined {
  const match = CLAUSE.exec(clause);
  if (!match) return undefined;
  const [, name, operator, operand] = match;
  const valueOf = (instance: ContainerInstance) => attributeValue(instance, name);
  switch (operator) {
    case "exists":
      return operand === "" ? (i) => valueOf(i) !== undefined : undefined;
    case "==":
      return (i) => valueOf(i) === operand;
    case "!=":
      return (i) => valueOf(i) !== operand;
    case "=~":
    case "!~": {
      const pattern = compileWildcard(operand);
      if (!pattern) return undefined;
      return operator === "=~" ? (i) => pattern(valueOf(i) ?? "") : (i) => !pattern(valueOf(i) ?? "");
    }
    case "in":
    case "not in": {
      const list = /^\[(.*)\]$/.exec(operand);
      if (!list) return undefined;
      const values = new Set(
        list[1]
          .split(",")
          .map((v) => v.trim())
          .filter((v) => v !== ""),
      );
      return operator === "in" ? (i) => values.has(valueOf(i) ?? "") : (i) => !values.has(valueOf(i) ?? "");
    }
    default:
      return undefined;
  }
}

export function attributeValue(instance: ContainerInstance, name: string): string | undefined {
  const attribute = instance.attributes?.find((a) => a.name === name);
  if (!attribute) return undefined;
  return attribute.value ?? "";
}

/** ECS's limit on a placement constraint expression; a longer pattern is not one ECS accepted. */
const MAX_PATTERN_LENGTH = 2000;

/**
 * `*` matches any run of characters, everything else itself. Matched without backtracking: the
 * literal pieces between the stars must appear in order, the first at the start and the last at
 * the end, and taking each middle piece at its leftmost place never loses a match (the rest of
 * the value only grows). So the work is at most |value| x |pattern| character comparisons, where a
 * regular expression built from `a*a*a*...b` takes exponential time on a long run of `a`.
 */
export function compileWildcard(pattern: string): ((value: string) => boolean) | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return undefined;
  const pieces = pattern.split("*");
  if (pieces.length === 1) return (value) => value === pattern;
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((p) => p !== "");
  const fixedLength = first.length + last.length;
  return (value) => {
    if (value.length < fixedLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    let at = first.length;
    const end = value.length - last.length;
    for (const piece of middle) {
      const found = value.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}
