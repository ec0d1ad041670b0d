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
      const pattern = wildcard(operand);
      return operator === "=~" ? (i) => pattern.test(valueOf(i) ?? "") : (i) => !pattern.test(valueOf(i) ?? "");
    }
    case "in":
    case "not in": {
      const list = /^\[(.*)\]$/.exec(operand);
      if (!list) return undefined;
      const values = new Set(list[1].split(",").map((v) => v.trim()).filter((v) => v !== ""));
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

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}
