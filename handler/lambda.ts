import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { EcsPort } from "./ecsPort";
import { boundedText, truncate } from "./boundedText";
import { emfLines } from "./emf";
import { readTrigger } from "./events";
import { createLogger } from "./log";
import { rebalance } from "./rebalance";
import { measureFailedRun, RunMeasures } from "./runMetrics";
import type { ThrottleCounter } from "./sdkEcsPort";
import { readSettings, Settings } from "./settings";
import { PacingClock } from "./writePacing";

/** What an invocation did, returned to Lambda (and read by tests and the simulate command). */
export interface InvocationResult {
  outcome: "rebalanced" | "ignored" | "failed";
  eventId: string;
  reason?: string;
  clusters?: Array<{ clusterArn: string; moves: number; actions: number; errors: number }>;
}

export interface HandlerDependencies {
  ecs: EcsPort;
  env: Record<string, string | undefined>;
  now?: () => Date;
  write?: (line: string) => void;
  /** Write pacing's clock: real by default. */
  clock?: PacingClock;
  /** Where EMF metric lines go; stdout by default (see emf.ts for why not console.log). */
  writeMetrics?: (line: string) => void;
  /** Counts the ECS client's throttled attempts, so that each run can report its own. */
  throttles?: ThrottleCounter;
}

const SEEN_VERSIONS_KEPT = 512;

/** What the handler reads of Lambda's context object: how long the invocation has left. */
export interface InvocationContext {
  getRemainingTimeInMillis?: () => number;
}

/**
 * The Lambda entry, built once per cold start by the serialized callback factory. It never throws:
 * a malformed event or a failed run is logged and returned, because a thrown error makes Lambda
 * retry the event twice, and repeating writes is exactly what the reference Lambda got wrong.
 */

export function createEventHandler(deps: HandlerDependencies): (event: unknown, context?: InvocationContext) => Promise<InvocationResult> {
  let settings: Settings | Error;
  try {
    settings = readSettings(deps.env);
  } catch (error) {
    settings = error as Error;
  }
  const now = deps.now ?? (() => new Date());
  const taskDefinitionCache = new Map<string, TaskDefinition>();
  // a duplicate delivery carries the same detail.version: its state was already acted on
  const seenVersions = new Set<string>();

  const handle = async (event: unknown, context?: InvocationContext): Promise<InvocationResult> => {
    const trigger = readTrigger(event);
    const log = createLogger(
      { correlationId: trigger.id },
      { level: settings instanceof Error ? "info" : settings.logLevel, write: deps.write },
    );
    if (settings instanceof Error) {
      log.error("invalid settings", { error: settings.message });
      return { outcome: "failed", eventId: trigger.id, reason: settings.message };
    }
    if (trigger.kind === "ignore") {
      log.info("event ignored", { reason: trigger.reason });
      return { outcome: "ignored", eventId: trigger.id, reason: trigger.reason };
    }
    let clusters = settings.watchedClusters;
    if (trigger.kind !== "schedule") {
      if (!settings.watchedClusters.includes(trigger.clusterArn)) {
        const reason = `cluster ${truncate(trigger.clusterArn)} is not watched`;
        log.warn("event ignored", { reason });
        return { outcome: "ignored", eventId: trigger.id, reason };
      }
      clusters = [trigger.clusterArn];
    }
    if (trigger.kind === "instance-change") {
      const key = `${trigger.containerInstanceArn}#${trigger.version}`;
      if (trigger.version !== undefined && seenVersions.has(key)) {
        log.info("event ignored", { reason: "duplicate delivery", key });
        return { outcome: "ignored", eventId: trigger.id, reason: "duplicate delivery" };
      }
    }
    const results: NonNullable<InvocationResult["clusters"]> = [];
    for (const cluster of clusters) {
      const run = startRun(deps, now);
      try {
        const remainingMs = context?.getRemainingTimeInMillis ? () => context.getRemainingTimeInMillis!() : undefined;
        const report = await rebalance(deps.ecs, cluster, {
          ...settings,
          now: now(),
          log,
          taskDefinitionCache,
          remainingMs,
          clock: deps.clock,
        });
        run.finish(report.measures, { correlationId: trigger.id, trigger: trigger.kind, dryRun: settings.dryRun });
        results.push({
          clusterArn: report.clusterArn,
          moves: report.plan.moves.length,
          actions: report.wave.actions.length,
          errors: report.wave.errors.length,
        });
      } catch (error) {
        // String() never recurses into a value, whatever was thrown
        const message = truncate(`${String((error as Error)?.name)}: ${String((error as Error)?.message)}`, 1000);
        log.error("run failed", { cluster, error: message });
        run.finish(measureFailedRun(cluster), { correlationId: trigger.id, trigger: trigger.kind, error: message });
        return { outcome: "failed", eventId: trigger.id, reason: message, clusters: results };
      }
    }
    // remembered only once acted on: a repeat of an event whose run failed gets another chance
    if (trigger.kind === "instance-change" && trigger.version !== undefined) {
      remember(seenVersions, `${trigger.containerInstanceArn}#${trigger.version}`);
    }
    return { outcome: "rebalanced", eventId: trigger.id, clusters: results };
  };
  // the last line of defence: whatever an event holds, the handler returns (a throw would make
  // Lambda retry the event) and logs one bounded line
  return async (event: unknown, context?: InvocationContext): Promise<InvocationResult> => {
    try {
      return await handle(event, context);
    } catch (error) {
      const reason = truncate(`unexpected error: ${String((error as Error)?.message ?? boundedText(error))}`, 1000);
      try {
        (deps.write ?? console.log)(JSON.stringify({ level: "error", message: "invocation failed", reason }));
      } catch {
        // nothing more can be done; the result still carries the reason
      }
      return { outcome: "failed", eventId: "?", reason };
    }
  };
}

/** Times one cluster's run and counts its throttled calls, then writes its metrics. */
function startRun(deps: HandlerDependencies, now: () => Date) {
  const started = now().getTime();
  const throttledBefore = deps.throttles?.throttled ?? 0;
  const write = deps.writeMetrics ?? ((line: string) => void process.stdout.write(`${line}\n`));
  return {
    finish(measures: RunMeasures, properties: Record<string, unknown>): void {
      const ended = now().getTime();
      const context = {
        durationMs: ended - started,
        throttledCalls: (deps.throttles?.throttled ?? 0) - throttledBefore,
        timestamp: ended,
        properties,
      };
      for (const line of emfLines(measures, context)) write(line);
    },
  };
}

function remember(seen: Set<string>, key: string): void {
  seen.add(key);
  if (seen.size > SEEN_VERSIONS_KEPT) seen.delete(seen.values().next().value as string);
}
