/**
 * Placement constraints: `distinctInstance` and `memberOf` with a subset of the cluster query
 * language. Constraints are binding (a task that satisfies none waits), unlike strategies.
 */
import type { PlacementConstraint } from "@aws-sdk/client-ecs";
import type { SimContainerInstance, SimService } from "./model";
import { invalidParameter } from "./errors";

export type InstancePredicate = (instance: SimContainerInstance) => boolean;

/**
 * Parses `memberOf` expressions: clauses `attribute:<name>` or `ec2InstanceId` with `==`, `!=`,
 * `=~` (pattern match), `in [a, b]`, `not_in [a, b]`, `exists`, `!exists`, joined by `and` / `or`
 * (and binds tighter). Values may use `*` as a wildcard, as in `attribute:ecs.instance-type =~ t3.*`.
 */
export function parseExpression(expression: string): InstancePredicate {
  const alternatives = expression.split(/\s+or\s+/i).map((part) => {
    const clauses = part.split(/\s+and\s+/i).map((clause) => parseClause(clause.trim(), expression));
    return (instance: SimContainerInstance) => clauses.every((clause) => clause(instance));
  });
  return (instance) => alternatives.some((alternative) => alternative(instance));
}

function parseClause(clause: string, expression: string): InstancePredicate {
  const match = /^(attribute:[\w.\-]+|ec2InstanceId)\s*(==|!=|=~|not_in|in|!exists|exists)\s*(.*)$/.exec(clause);
  if (!match) throw invalidParameter(`Invalid placement constraint expression "${expression}": cannot parse "${clause}".`);
  const [, subject, op, rest] = match;
  const read = (instance: SimContainerInstance): string | undefined =>
    subject === "ec2InstanceId" ? instance.ec2InstanceId : instance.attributes[subject.slice("attribute:".length)];
  const values = op === "in" || op === "not_in" ? parseList(rest, expression) : [rest.trim()];
  const matchesAny = (value: string | undefined) => value !== undefined && values.some((v) => wildcard(v).test(value));
  switch (op) {
    case "==":
    case "=~":
    case "in":
      return (i) => matchesAny(read(i));
    case "!=":
    case "not_in":
      return (i) => !matchesAny(read(i));
    case "exists":
      return (i) => read(i) !== undefined;
    default:
      return (i) => read(i) === undefined;
  }
}

function parseList(text: string, expression: string): string[] {
  const match = /^\[(.*)\]$/.exec(text.trim());
  if (!match) throw invalidParameter(`Invalid placement constraint expression "${expression}": expected a list [a, b].`);
  return match[1]
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

function wildcard(value: string): RegExp {
  const escaped = value.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/** Validates constraints up front, as CreateService/UpdateService do. */
export function validateConstraints(constraints: PlacementConstraint[]): void {
  if (constraints.length > 10) throw invalidParameter("A maximum of 10 placement constraints is allowed.");
  for (const constraint of constraints) {
    if (constraint.type === "distinctInstance") continue;
    if (constraint.type !== "memberOf") throw invalidParameter(`Invalid placement constraint type "${constraint.type}".`);
    parseExpression(constraint.expression ?? "");
  }
}

/** The instances a service's constraints allow, among the given candidates. */
export function filterByConstraints(service: SimService, candidates: SimContainerInstance[]): SimContainerInstance[] {
  let allowed = candidates;
  for (const constraint of service.placementConstraints) {
    if (constraint.type === "distinctInstance") {
      // Each task of the service on a different instance: skip instances already holding one.
      allowed = allowed.filter((instance) => !hasActiveTaskOf(instance, service));
    } else {
      const predicate = parseExpression(constraint.expression ?? "");
      allowed = allowed.filter(predicate);
    }
  }
  return allowed;
}

export function hasActiveTaskOf(instance: SimContainerInstance, service: SimService): boolean {
  for (const task of instance.tasks) {
    if (task.serviceName === service.name && task.desiredStatus === "RUNNING") return true;
  }
  return false;
}
