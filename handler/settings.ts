import { Budgets } from "./budget";
import { DEFAULT_CLUSTER_LOAD_ARGS, MAX_BAND_TASKS } from "./clusterLoad/args";
import { LogLevel } from "./log";
import { DEFAULT_WRITE_RATES, WriteRates } from "./writePacing";

/**
 * The rebalancer's settings as the Lambda receives them: environment variables that the
 * TaskRebalancer component sets from the validated stack config. Read once per cold start.
 */
export interface Settings extends Budgets {
  watchedClusters: string[];
  dryRun: boolean;
  surgeTimeoutSeconds: number;
  /** The cluster load pass's tolerance in tasks (clusterLoad/args.ts); 0: off. */
  clusterLoadBand: number;
  /** Whether load moves are pinned to their targets while their surge lasts (clusterLoad/args.ts, surgePin.ts). */
  pinLoadMoves: boolean;
  logLevel: LogLevel;
  /** Writes per second, per kind of write (see writePacing.ts). */
  writeRates: WriteRates;
}

export const SETTINGS_ENV = {
  watchedClusters: "REBALANCER_WATCHED_CLUSTERS",
  dryRun: "REBALANCER_DRY_RUN",
  maxMovesPerRun: "REBALANCER_MAX_MOVES_PER_RUN",
  maxMovesPerService: "REBALANCER_MAX_MOVES_PER_SERVICE",
  maxMovesPerInstance: "REBALANCER_MAX_MOVES_PER_INSTANCE",
  surgeTimeoutSeconds: "REBALANCER_SURGE_TIMEOUT_SECONDS",
  clusterLoadBand: "REBALANCER_CLUSTER_LOAD_BAND",
  pinLoadMoves: "REBALANCER_PIN_LOAD_MOVES",
  logLevel: "REBALANCER_LOG_LEVEL",
  updateServicePerSecond: "REBALANCER_UPDATE_SERVICE_PER_SECOND",
  tagResourcePerSecond: "REBALANCER_TAG_RESOURCE_PER_SECOND",
  stopTaskPerSecond: "REBALANCER_STOP_TASK_PER_SECOND",
  updateTaskProtectionPerSecond: "REBALANCER_UPDATE_TASK_PROTECTION_PER_SECOND",
} as const;

/**
 * The most each write rate may be set to: ECS's refill rate for the call's bucket (UpdateService 5,
 * TagResource/UntagResource 10, StopTask 40 per second); UpdateTaskProtection's is not published, so 10.
 * A rate at the refill rate would leave nothing to the account's other callers.
 */
export const WRITE_RATE_LIMITS: WriteRates = { updateService: 5, tagResource: 10, stopTask: 40, updateTaskProtection: 10 };

export const DEFAULT_SETTINGS: Omit<Settings, "watchedClusters"> = {
  dryRun: false,
  maxMovesPerRun: 10,
  maxMovesPerService: 5,
  maxMovesPerInstance: 3,
  surgeTimeoutSeconds: 900,
  clusterLoadBand: DEFAULT_CLUSTER_LOAD_ARGS.bandTasks,
  pinLoadMoves: DEFAULT_CLUSTER_LOAD_ARGS.pinMoves,
  logLevel: "info",
  writeRates: DEFAULT_WRITE_RATES,
};

const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/;

/** Parses settings; a bad value is a one-line error naming the variable, the value and what is allowed. */
export function readSettings(env: Record<string, string | undefined>): Settings {
  const watched = (env[SETTINGS_ENV.watchedClusters] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (watched.length === 0) throw new Error(`${SETTINGS_ENV.watchedClusters} is empty: expected cluster ARNs, comma-separated`);
  const wrong = watched.find((arn) => !CLUSTER_ARN.test(arn));
  if (wrong) throw new Error(`${SETTINGS_ENV.watchedClusters} has "${wrong}": expected an ECS cluster ARN`);
  return {
    watchedClusters: watched,
    dryRun: flag(env, "dryRun"),
    maxMovesPerRun: count(env, "maxMovesPerRun", 1, 1000),
    maxMovesPerService: count(env, "maxMovesPerService", 1, 1000),
    maxMovesPerInstance: count(env, "maxMovesPerInstance", 1, 1000),
    surgeTimeoutSeconds: count(env, "surgeTimeoutSeconds", 60, 86400),
    clusterLoadBand: count(env, "clusterLoadBand", 0, MAX_BAND_TASKS),
    pinLoadMoves: flag(env, "pinLoadMoves"),
    logLevel: level(env),
    writeRates: {
      updateService: rate(env, "updateServicePerSecond", "updateService"),
      tagResource: rate(env, "tagResourcePerSecond", "tagResource"),
      stopTask: rate(env, "stopTaskPerSecond", "stopTask"),
      updateTaskProtection: rate(env, "updateTaskProtectionPerSecond", "updateTaskProtection"),
    },
  };
}

type RateKey = "updateServicePerSecond" | "tagResourcePerSecond" | "stopTaskPerSecond" | "updateTaskProtectionPerSecond";

function rate(env: Record<string, string | undefined>, key: RateKey, kind: keyof WriteRates): number {
  const raw = env[SETTINGS_ENV[key]];
  if (raw === undefined || raw === "") return DEFAULT_WRITE_RATES[kind];
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value < 0.1 || value > WRITE_RATE_LIMITS[kind]) {
    throw new Error(`${SETTINGS_ENV[key]}="${raw}": expected a number from 0.1 to ${WRITE_RATE_LIMITS[kind]} (writes per second)`);
  }
  return value;
}

function flag(env: Record<string, string | undefined>, key: "dryRun" | "pinLoadMoves"): boolean {
  const raw = env[SETTINGS_ENV[key]];
  if (raw === undefined || raw === "") return DEFAULT_SETTINGS[key];
  if (raw !== "true" && raw !== "false") throw new Error(`${SETTINGS_ENV[key]}="${raw}": expected true or false`);
  return raw === "true";
}

type CountKey = "maxMovesPerRun" | "maxMovesPerService" | "maxMovesPerInstance" | "surgeTimeoutSeconds" | "clusterLoadBand";

function count(env: Record<string, string | undefined>, key: CountKey, min: number, max: number): number {
  const raw = env[SETTINGS_ENV[key]];
  if (raw === undefined || raw === "") return DEFAULT_SETTINGS[key];
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new Error(`${SETTINGS_ENV[key]}="${raw}": expected an integer from ${min} to ${max}`);
  }
  return value;
}

function level(env: Record<string, string | undefined>): LogLevel {
  const raw = env[SETTINGS_ENV.logLevel];
  if (raw === undefined || raw === "") return DEFAULT_SETTINGS.logLevel;
  if (!["debug", "info", "warn", "error"].includes(raw)) {
    throw new Error(`${SETTINGS_ENV.logLevel}="${raw}": expected debug, info, warn or error`);
  }
  return raw as LogLevel;
}

/** The environment that `readSettings` reads back to these settings (the component uses it). */
export function settingsEnvironment(settings: Settings): Record<string, string> {
  return {
    [SETTINGS_ENV.watchedClusters]: settings.watchedClusters.join(","),
    [SETTINGS_ENV.dryRun]: String(settings.dryRun),
    [SETTINGS_ENV.maxMovesPerRun]: String(settings.maxMovesPerRun),
    [SETTINGS_ENV.maxMovesPerService]: String(settings.maxMovesPerService),
    [SETTINGS_ENV.maxMovesPerInstance]: String(settings.maxMovesPerInstance),
    [SETTINGS_ENV.surgeTimeoutSeconds]: String(settings.surgeTimeoutSeconds),
    [SETTINGS_ENV.clusterLoadBand]: String(settings.clusterLoadBand),
    [SETTINGS_ENV.pinLoadMoves]: String(settings.pinLoadMoves),
    [SETTINGS_ENV.logLevel]: settings.logLevel,
    [SETTINGS_ENV.updateServicePerSecond]: String(settings.writeRates.updateService),
    [SETTINGS_ENV.tagResourcePerSecond]: String(settings.writeRates.tagResource),
    [SETTINGS_ENV.stopTaskPerSecond]: String(settings.writeRates.stopTask),
    [SETTINGS_ENV.updateTaskProtectionPerSecond]: String(settings.writeRates.updateTaskProtection),
  };
}
