import * as pulumi from "@pulumi/pulumi";
import { WRITE_RATE_LIMITS } from "../handler/settings";
import { DEFAULT_WRITE_RATES, type WriteRates } from "../handler/writePacing";
import { cronProblem } from "./cronExpression";

/**
 * The typed, validated stack configuration. Every key is read and checked here, before any resource
 * is declared, so a bad value fails `pulumi preview` with one line instead of a half-created stack.
 * Components never see `pulumi.Config`; they receive the plain values below.
 */

export type NatGatewayStrategy = "Single" | "OnePerAz" | "None";

export interface NetworkConfig {
  readonly availabilityZoneCount: number;
  readonly natGateways: NatGatewayStrategy;
  readonly vpcCidr: string;
}

export interface ClusterConfig {
  readonly clusterName: string;
  readonly instanceType: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  readonly rootVolumeSizeGiB: number;
  readonly managedScaling: boolean;
  readonly managedTerminationProtection: boolean;
  readonly targetCapacityPercent: number;
}

export interface LoadBalancerConfig {
  readonly certificateArn: string | undefined;
  readonly healthCheckPath: string;
  readonly deregistrationDelaySeconds: number;
}

export interface ServiceConfig {
  readonly serviceDesiredCount: number;
  readonly containerImage: string;
  readonly containerCpu: number;
  readonly containerMemory: number;
  readonly logRetentionDays: number;
  /** The port the image listens on; a non-root process cannot bind below 1024. */
  readonly containerPort: number;
  /** The container's user, "uid" or "uid:gid", never 0 (ECS.20 / ECS best practice: non-root). */
  readonly containerUser: string;
}

export interface RebalancerConfig {
  /** Names or ARNs of existing clusters to watch in addition to the demo cluster. */
  readonly targetClusters: readonly string[];
  readonly dryRun: boolean;
  readonly maxMovesPerRun: number;
  readonly maxMovesPerService: number;
  readonly maxMovesPerInstance: number;
  /**
   * The cluster load pass's tolerance in tasks from each zone's average (1: a zone's instances end
   * within one task of each other); 0 turns the pass off.
   */
  readonly clusterLoadBand: number;
  /**
   * Whether a load move's started task is pinned to its planned instance by a placement constraint
   * while its surge lasts (handler/surgePin.ts); false leaves every placement to ECS's strategy.
   */
  readonly pinLoadMoves: boolean;
  /** An EventBridge schedule expression, or "none" for event-driven runs only. */
  readonly schedule: string;
  readonly surgeTimeoutMinutes: number;
  readonly reservedConcurrency: number;
  readonly logRetentionDays: number;
  readonly functionTimeoutSeconds: number;
  /** Writes per second per kind, below ECS's shared token buckets (see handler/writePacing.ts). */
  readonly writeRates: WriteRates;
}

export type FlowLogTrafficType = "ALL" | "ACCEPT" | "REJECT";

/** Security Hub controls that are config choices (README "Security controls"); the rest always hold. */
export interface SecurityConfig {
  /** ALB deletion protection (ELB.6); `pulumi destroy` of the ALB fails while it is on. */
  readonly deletionProtection: boolean;
  /** One-minute EC2 metrics for the container instances (billed per instance). */
  readonly detailedMonitoring: boolean;
  /** Days the ALB access logs (ELB.5) stay in their bucket before S3 expires them. */
  readonly accessLogRetentionDays: number;
  /** What the VPC flow log (EC2.6) records. */
  readonly flowLogTrafficType: FlowLogTrafficType;
  readonly flowLogRetentionDays: number;
}

/** The rebalancer's CloudWatch dashboard and its "stuck" alarm. */
export interface MonitoringConfig {
  readonly dashboard: boolean;
  /** Scheduled runs a cluster may stay out of balance before the alarm fires; 0 = no such alarm. */
  readonly stuckAlarmRuns: number;
  /** An SNS topic every alarm notifies when it fires and when it clears; unset: the dashboard only. */
  readonly alarmTopicArn: string | undefined;
}

export interface StackConfig {
  readonly createDemoCluster: boolean;
  readonly network: NetworkConfig;
  readonly cluster: ClusterConfig;
  readonly loadBalancer: LoadBalancerConfig;
  readonly service: ServiceConfig;
  readonly rebalancer: RebalancerConfig;
  readonly security: SecurityConfig;
  readonly monitoring: MonitoringConfig;
}

/** Every default in one place; Pulumi.dev.yaml documents the same values. */
export const DEFAULTS = {
  availabilityZoneCount: 2,
  natGateways: "Single",
  vpcCidr: "10.0.0.0/16",
  createDemoCluster: true,
  clusterName: "rebalance-demo",
  instanceType: "t3.small",
  minSize: 1,
  maxSize: 3,
  desiredCapacity: 2,
  rootVolumeSizeGiB: 30,
  managedScaling: false,
  managedTerminationProtection: false,
  targetCapacityPercent: 100,
  certificateArn: undefined,
  healthCheckPath: "/",
  deregistrationDelaySeconds: 30,
  serviceDesiredCount: 2,
  // nginxinc/nginx-unprivileged:1.29.3-alpine (runs as uid 101, listens on 8080), pinned by digest
  // so that the image cannot change under a running service; see README "Security controls".
  containerImage: "docker.io/nginxinc/nginx-unprivileged@sha256:5aea7cc516b419e3526f47dd1531be31a56a046cfe44754d94f9383e13e2ee99",
  containerCpu: 128,
  containerMemory: 128,
  logRetentionDays: 14,
  targetClusters: [],
  dryRun: false,
  maxMovesPerRun: 10,
  maxMovesPerService: 5,
  maxMovesPerInstance: 3,
  clusterLoadBand: 1,
  pinLoadMoves: true,
  schedule: "rate(15 minutes)",
  surgeTimeoutMinutes: 15,
  reservedConcurrency: 1,
  rebalancerLogRetentionDays: 14,
  functionTimeoutSeconds: 60,
  updateServicePerSecond: DEFAULT_WRITE_RATES.updateService,
  tagResourcePerSecond: DEFAULT_WRITE_RATES.tagResource,
  stopTaskPerSecond: DEFAULT_WRITE_RATES.stopTask,
  updateTaskProtectionPerSecond: DEFAULT_WRITE_RATES.updateTaskProtection,
  containerPort: 8080,
  containerUser: "101",
  // ---- security and monitoring (issue 13): production-safe defaults; DEMO_CHOICES below ----
  deletionProtection: true,
  detailedMonitoring: true,
  accessLogRetentionDays: 90,
  flowLogTrafficType: "ALL",
  flowLogRetentionDays: 90,
  dashboard: true,
  stuckAlarmRuns: 4,
  alarmTopicArn: undefined,
} as const satisfies Record<string, unknown>;

/**
 * The values the demo stack (Pulumi.dev.yaml) sets instead of the defaults: controls that cost money
 * or block `pulumi destroy`, which a throwaway demo does not want. Every other key there is its default.
 */
export const DEMO_CHOICES = {
  deletionProtection: false,
  detailedMonitoring: false,
} as const satisfies Partial<Record<keyof typeof DEFAULTS, unknown>>;

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy rejects anything else). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/**
 * A user-facing configuration mistake; the message names the key, the value and what is allowed.
 * A pulumi.RunError: Pulumi's Node language host prints a RunError's message alone, where any other
 * error becomes "failed with an unhandled exception" followed by its stack.
 */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly key: string,
    readonly value: unknown,
    allowed: string,
  ) {
    super(`config "${key}" = ${formatValue(value)}: ${allowed}`);
    this.name = "ConfigError";
  }
}

function formatValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

type Read = (key: string) => string | undefined;

/** What the stack deploys into: ARNs of another region or partition would name nothing the stack can watch. */
export interface StackTarget {
  /** The stack's AWS region (`aws:region`); undefined skips the region checks. */
  readonly region: string | undefined;
}

/** The partition a region belongs to, as ARNs spell it. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  if (region.startsWith("us-isof-")) return "aws-iso-f";
  return "aws";
}

/** Why an ARN cannot belong to the stack's region and partition, or undefined. */
function arnPlaceProblem(arn: string, target: StackTarget, what: string): string | undefined {
  if (target.region === undefined) return undefined;
  const [, partition, , region] = arn.split(":");
  const expected = partitionOf(target.region);
  if (partition !== expected) return `is in partition ${partition}, but the stack deploys to ${target.region} (${expected}); ${what}`;
  if (region !== target.region) return `is in region ${region}, but the stack deploys to ${target.region}; ${what}`;
  return undefined;
}

// ---- primitive readers: each returns the default when the key is unset, and never coerces ----

function readInteger(read: Read, key: string, fallback: number, min: number, max: number): number {
  const raw = read(key);
  if (raw === undefined) {
    return fallback;
  }
  const trimmed = raw.trim();
  if (!/^-?\d+$/.test(trimmed)) {
    throw new ConfigError(key, raw, `must be an integer between ${min} and ${max}`);
  }
  const value = Number(trimmed);
  if (value < min || value > max) {
    throw new ConfigError(key, value, `must be between ${min} and ${max}`);
  }
  return value;
}

/** An integer tolerance 0..100, where `false` also turns the feature off (0). */
function readTolerance(read: Read, key: string, fallback: number): number {
  const raw = read(key);
  if (raw === undefined) {
    return fallback;
  }
  if (raw.trim() === "false") {
    return 0;
  }
  if (!/^\d+$/.test(raw.trim()) || Number(raw.trim()) > 100) {
    throw new ConfigError(
      key,
      raw,
      "must be an integer between 0 and 100 (tasks from the zone's average), or false to turn the load pass off",
    );
  }
  return Number(raw.trim());
}

function readBoolean(read: Read, key: string, fallback: boolean): boolean {
  const raw = read(key);
  if (raw === undefined) {
    return fallback;
  }
  if (raw === "true" || raw === "false") {
    return raw === "true";
  }
  throw new ConfigError(key, raw, "must be true or false");
}

function readString(read: Read, key: string, fallback: string, pattern: RegExp, allowed: string): string {
  const raw = read(key);
  const value = raw === undefined ? fallback : raw;
  if (!pattern.test(value)) {
    throw new ConfigError(key, value, allowed);
  }
  return value;
}

function readOneOf<T extends string>(read: Read, key: string, fallback: T, allowed: readonly T[]): T {
  const raw = read(key);
  if (raw === undefined) {
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(key, raw, `must be one of ${allowed.join(", ")}`);
  }
  return raw as T;
}

function readRetention(read: Read, key: string, fallback: number): number {
  const value = readInteger(read, key, fallback, 1, 3653);
  if (!LOG_RETENTION_DAYS.includes(value)) {
    throw new ConfigError(key, value, `must be one of CloudWatch's retention values ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  return value;
}

// ---- formats ----

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const CLUSTER_ARN = /^arn:aws[-a-z]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/;
const ACM_ARN = /^arn:aws[-a-z]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
// family "." size, lower case; the family always carries a generation digit (t3, m7i-flex, u-6tb1).
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[a-z0-9]+$/;
// A registry path pinned by digest (a tag can be repointed under a running service); the rest is
// deliberately loose, ECS reports pull errors itself.
const CONTAINER_IMAGE = /^[a-z0-9][a-z0-9._\-/:]*@sha256:[a-f0-9]{64}$/;
// numeric uid[:gid] with uid > 0: a name could resolve to root inside the image, a number cannot
const CONTAINER_USER = /^[1-9]\d{0,9}(:\d{1,10})?$/;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(([^()]+)\)$/;

function readVpcCidr(read: Read): string {
  const value = read("vpcCidr") ?? DEFAULTS.vpcCidr;
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  const allowed = "must be an IPv4 CIDR block with a prefix between /16 and /24, e.g. 10.0.0.0/16";
  if (!match || match.slice(1, 5).some((octet) => Number(octet) > 255)) {
    throw new ConfigError("vpcCidr", value, allowed);
  }
  const prefix = Number(match[5]);
  if (prefix < 16 || prefix > 24) {
    throw new ConfigError("vpcCidr", value, allowed);
  }
  const address = match.slice(1, 5).reduce((acc, octet) => acc * 256 + Number(octet), 0);
  if (address % 2 ** (32 - prefix) !== 0) {
    throw new ConfigError("vpcCidr", value, `host bits must be zero for a /${prefix} (${allowed})`);
  }
  return value;
}

function readSchedule(read: Read): string {
  const value = read("schedule") ?? DEFAULTS.schedule;
  const allowed = 'must be "none", rate(N minute|minutes|hour|hours|day|days) or cron(<6 fields>)';
  if (value === "none") {
    return value;
  }
  const rate = RATE.exec(value);
  if (rate) {
    const n = Number(rate[1]);
    const singular = !rate[2].endsWith("s");
    // EventBridge rejects "rate(1 minutes)" and "rate(5 minute)".
    if (n < 1 || singular !== (n === 1)) {
      throw new ConfigError("schedule", value, `${allowed}, with a singular unit exactly when N = 1`);
    }
    return value;
  }
  const cron = CRON.exec(value);
  if (cron) {
    const problem = cronProblem(cron[1]);
    if (problem) {
      throw new ConfigError("schedule", value, `EventBridge would reject this cron expression: ${problem}`);
    }
    return value;
  }
  throw new ConfigError("schedule", value, allowed);
}

function readTargetClusters(read: Read, target: StackTarget): readonly string[] {
  const raw = read("targetClusters");
  if (raw === undefined) {
    return DEFAULTS.targetClusters;
  }
  const allowed = 'must be a JSON list of ECS cluster names or ARNs, e.g. ["prod"]';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError("targetClusters", raw, allowed);
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError("targetClusters", raw, allowed);
  }
  const seen = new Set<string>();
  parsed.forEach((item: unknown, i: number) => {
    const key = `targetClusters[${i}]`;
    if (typeof item !== "string" || !(CLUSTER_NAME.test(item) || CLUSTER_ARN.test(item))) {
      throw new ConfigError(
        key,
        item,
        "must be a cluster name (1-255 letters, digits, - or _) or arn:aws:ecs:<region>:<account>:cluster/<name>",
      );
    }
    if (seen.has(item)) {
      throw new ConfigError(key, item, "is listed twice; each cluster may appear once");
    }
    const place = CLUSTER_ARN.test(item) ? arnPlaceProblem(item, target, "the rules and the policy would watch nothing") : undefined;
    if (place) {
      throw new ConfigError(key, item, place);
    }
    seen.add(item);
  });
  return parsed as string[];
}

// ---- sections ----

function parseNetwork(read: Read): NetworkConfig {
  return {
    availabilityZoneCount: readInteger(read, "availabilityZoneCount", DEFAULTS.availabilityZoneCount, 2, 6),
    natGateways: readOneOf<NatGatewayStrategy>(read, "natGateways", DEFAULTS.natGateways, ["Single", "OnePerAz", "None"]),
    vpcCidr: readVpcCidr(read),
  };
}

function parseCluster(read: Read): ClusterConfig {
  const minSize = readInteger(read, "minSize", DEFAULTS.minSize, 0, 100);
  const maxSize = readInteger(read, "maxSize", DEFAULTS.maxSize, 1, 100);
  if (maxSize < minSize) {
    throw new ConfigError("maxSize", maxSize, `must be at least minSize (${minSize})`);
  }
  const desiredCapacity = readInteger(read, "desiredCapacity", DEFAULTS.desiredCapacity, 0, 100);
  if (desiredCapacity < minSize || desiredCapacity > maxSize) {
    throw new ConfigError("desiredCapacity", desiredCapacity, `must be between minSize (${minSize}) and maxSize (${maxSize})`);
  }
  const managedScaling = readBoolean(read, "managedScaling", DEFAULTS.managedScaling);
  const managedTerminationProtection = readBoolean(read, "managedTerminationProtection", DEFAULTS.managedTerminationProtection);
  if (managedTerminationProtection && !managedScaling) {
    // ECS rejects a capacity provider with termination protection but without managed scaling.
    throw new ConfigError("managedTerminationProtection", true, "requires managedScaling = true");
  }
  return {
    clusterName: readString(
      read,
      "clusterName",
      DEFAULTS.clusterName,
      CLUSTER_NAME,
      "must be 1-255 letters, digits, hyphens or underscores",
    ),
    instanceType: readString(
      read,
      "instanceType",
      DEFAULTS.instanceType,
      INSTANCE_TYPE,
      "must be an EC2 instance type family.size in lower case, e.g. t3.small or m7i.large",
    ),
    minSize,
    maxSize,
    desiredCapacity,
    // The ECS-optimized AL2023 AMI's root snapshot is 30 GiB; EC2 refuses a smaller volume.
    rootVolumeSizeGiB: readInteger(read, "rootVolumeSizeGiB", DEFAULTS.rootVolumeSizeGiB, 30, 16384),
    managedScaling,
    managedTerminationProtection,
    targetCapacityPercent: readInteger(read, "targetCapacityPercent", DEFAULTS.targetCapacityPercent, 1, 100),
  };
}

function parseLoadBalancer(read: Read, target: StackTarget): LoadBalancerConfig {
  const certificateArn = read("certificateArn");
  if (certificateArn !== undefined && !ACM_ARN.test(certificateArn)) {
    throw new ConfigError(
      "certificateArn",
      certificateArn,
      "must be an ACM certificate ARN, arn:aws:acm:<region>:<account>:certificate/<id>",
    );
  }
  // an Application Load Balancer takes only certificates from ACM in its own region
  const place =
    certificateArn === undefined
      ? undefined
      : arnPlaceProblem(certificateArn, target, "the load balancer needs a certificate from its own region");
  if (place) {
    throw new ConfigError("certificateArn", certificateArn, place);
  }
  return {
    certificateArn,
    healthCheckPath: readString(
      read,
      "healthCheckPath",
      DEFAULTS.healthCheckPath,
      /^\/\S{0,1023}$/,
      'must start with "/" and contain no spaces',
    ),
    // ECS caps a container's stopTimeout at 120 s, and stopTimeout must cover the delay.
    deregistrationDelaySeconds: readInteger(read, "deregistrationDelaySeconds", DEFAULTS.deregistrationDelaySeconds, 0, 120),
  };
}

function parseService(read: Read): ServiceConfig {
  return {
    serviceDesiredCount: readInteger(read, "serviceDesiredCount", DEFAULTS.serviceDesiredCount, 0, 1000),
    containerImage: readString(
      read,
      "containerImage",
      DEFAULTS.containerImage,
      CONTAINER_IMAGE,
      "must be an image reference pinned by digest, <repository>[:tag]@sha256:<64 hex digits> (a tag can be moved to another image)",
    ),
    containerCpu: readInteger(read, "containerCpu", DEFAULTS.containerCpu, 0, 10240),
    // 6 MiB is the smallest memory limit Docker accepts for a container.
    containerMemory: readInteger(read, "containerMemory", DEFAULTS.containerMemory, 6, 1048576),
    logRetentionDays: readRetention(read, "logRetentionDays", DEFAULTS.logRetentionDays),
    // a non-root user cannot bind a port below 1024 without CAP_NET_BIND_SERVICE, which the task drops
    containerPort: readInteger(read, "containerPort", DEFAULTS.containerPort, 1024, 65535),
    containerUser: readString(
      read,
      "containerUser",
      DEFAULTS.containerUser,
      CONTAINER_USER,
      'must be a numeric non-root user "uid" or "uid:gid", e.g. 101 or 101:101 (uid 0 is root)',
    ),
  };
}

function parseRebalancer(read: Read, target: StackTarget): RebalancerConfig {
  return {
    targetClusters: readTargetClusters(read, target),
    dryRun: readBoolean(read, "dryRun", DEFAULTS.dryRun),
    maxMovesPerRun: readInteger(read, "maxMovesPerRun", DEFAULTS.maxMovesPerRun, 1, 100),
    maxMovesPerService: readInteger(read, "maxMovesPerService", DEFAULTS.maxMovesPerService, 1, 100),
    maxMovesPerInstance: readInteger(read, "maxMovesPerInstance", DEFAULTS.maxMovesPerInstance, 1, 100),
    clusterLoadBand: readTolerance(read, "clusterLoadBand", DEFAULTS.clusterLoadBand),
    pinLoadMoves: readBoolean(read, "pinLoadMoves", DEFAULTS.pinLoadMoves),
    schedule: readSchedule(read),
    surgeTimeoutMinutes: readInteger(read, "surgeTimeoutMinutes", DEFAULTS.surgeTimeoutMinutes, 1, 180),
    reservedConcurrency: readInteger(read, "reservedConcurrency", DEFAULTS.reservedConcurrency, 1, 10),
    logRetentionDays: readRetention(read, "rebalancerLogRetentionDays", DEFAULTS.rebalancerLogRetentionDays),
    functionTimeoutSeconds: readInteger(read, "functionTimeoutSeconds", DEFAULTS.functionTimeoutSeconds, 10, 900),
    writeRates: {
      updateService: readRate(read, "updateServicePerSecond", DEFAULTS.updateServicePerSecond, WRITE_RATE_LIMITS.updateService),
      tagResource: readRate(read, "tagResourcePerSecond", DEFAULTS.tagResourcePerSecond, WRITE_RATE_LIMITS.tagResource),
      stopTask: readRate(read, "stopTaskPerSecond", DEFAULTS.stopTaskPerSecond, WRITE_RATE_LIMITS.stopTask),
      updateTaskProtection: readRate(
        read,
        "updateTaskProtectionPerSecond",
        DEFAULTS.updateTaskProtectionPerSecond,
        WRITE_RATE_LIMITS.updateTaskProtection,
      ),
    },
  };
}

/** A write rate: 0.1 per second up to the refill rate of the call's ECS bucket (which it would then exhaust for others). */
function readRate(read: Read, key: string, fallback: number, max: number): number {
  const raw = read(key);
  if (raw === undefined) {
    return fallback;
  }
  const trimmed = raw.trim();
  const value = Number(trimmed);
  if (!/^\d+(\.\d+)?$/.test(trimmed) || value < 0.1 || value > max) {
    throw new ConfigError(key, raw, `must be a number of writes per second from 0.1 to ${max}`);
  }
  return value;
}

// ---- security and monitoring (issue 13) ----

function parseSecurity(read: Read): SecurityConfig {
  return {
    deletionProtection: readBoolean(read, "deletionProtection", DEFAULTS.deletionProtection),
    detailedMonitoring: readBoolean(read, "detailedMonitoring", DEFAULTS.detailedMonitoring),
    // S3 lifecycle expiration takes whole days; ten years is far beyond any log use
    accessLogRetentionDays: readInteger(read, "accessLogRetentionDays", DEFAULTS.accessLogRetentionDays, 1, 3650),
    flowLogTrafficType: readOneOf<FlowLogTrafficType>(read, "flowLogTrafficType", DEFAULTS.flowLogTrafficType, ["ALL", "ACCEPT", "REJECT"]),
    flowLogRetentionDays: readRetention(read, "flowLogRetentionDays", DEFAULTS.flowLogRetentionDays),
  };
}

/**
 * PutMetricAlarm: period × evaluation periods may not exceed seven days, and one day when the
 * period is shorter than an hour.
 */
export function maxAlarmPeriods(periodSeconds: number): number {
  return Math.floor((periodSeconds < 3600 ? 86400 : 604800) / periodSeconds);
}

const SNS_TOPIC_ARN = /^arn:aws[-a-z]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

function readAlarmTopicArn(read: Read): string | undefined {
  const value = read("alarmTopicArn");
  if (value !== undefined && !SNS_TOPIC_ARN.test(value)) {
    throw new ConfigError("alarmTopicArn", value, "must be an SNS topic ARN, arn:aws:sns:<region>:<account>:<topic>");
  }
  return value;
}

function parseMonitoring(read: Read, schedule: string): MonitoringConfig {
  const dashboard = readBoolean(read, "dashboard", DEFAULTS.dashboard);
  const alarmTopicArn = readAlarmTopicArn(read);
  const period = scheduleRateSeconds(schedule);
  if (read("stuckAlarmRuns") === undefined) {
    // unset: the default where the schedule allows it, fewer runs where it does not, and no alarm
    // without a periodic schedule (nothing to count); the component says so when it leaves it out
    const runs = period === undefined ? 0 : Math.min(DEFAULTS.stuckAlarmRuns, maxAlarmPeriods(period));
    return { dashboard, stuckAlarmRuns: runs, alarmTopicArn };
  }
  const stuckAlarmRuns = readInteger(read, "stuckAlarmRuns", DEFAULTS.stuckAlarmRuns, 0, 10080);
  if (stuckAlarmRuns > 0 && period === undefined) {
    throw new ConfigError(
      "stuckAlarmRuns",
      stuckAlarmRuns,
      `counts scheduled runs, so it needs schedule = rate(...) (it is ${JSON.stringify(schedule)}); set 0 to turn the alarm off`,
    );
  }
  if (period !== undefined && stuckAlarmRuns > maxAlarmPeriods(period)) {
    throw new ConfigError(
      "stuckAlarmRuns",
      stuckAlarmRuns,
      `times the schedule's ${period} s exceeds CloudWatch's longest alarm evaluation range (one day for periods under an hour, else seven days): at most ${maxAlarmPeriods(period)}`,
    );
  }
  return { dashboard, stuckAlarmRuns, alarmTopicArn };
}

/** The seconds between runs of a rate() schedule; undefined for cron() and "none". */
export function scheduleRateSeconds(schedule: string): number | undefined {
  const rate = RATE.exec(schedule);
  if (!rate) return undefined;
  const unit = { minute: 60, hour: 3600, day: 86400 }[rate[2].replace(/s$/, "") as "minute" | "hour" | "day"];
  return Number(rate[1]) * unit;
}

/**
 * The rebalancer's metrics, dashboard and alarms tell clusters apart by ClusterName (the dimension
 * Container Insights uses too), so two watched clusters may not share a name, even in other regions.
 */
function checkClusterNamesDistinct(config: StackConfig): void {
  const seen = new Set<string>(config.createDemoCluster ? [config.cluster.clusterName] : []);
  config.rebalancer.targetClusters.forEach((cluster, i) => {
    const name = clusterNameOf(cluster);
    if (seen.has(name)) {
      throw new ConfigError(
        `targetClusters[${i}]`,
        cluster,
        `is a second cluster named "${name}"; metrics and alarms identify clusters by name, so names must differ`,
      );
    }
    seen.add(name);
  });
}

/** The cluster name of a name or a cluster ARN. */
export function clusterNameOf(cluster: string): string {
  return cluster.slice(cluster.lastIndexOf("/") + 1);
}

/**
 * Reads raw strings by key, applies defaults and validates; throws ConfigError on the first bad value.
 * ARNs are checked against the stack's region and partition when `target.region` is known.
 */
export function parseStackConfig(read: Read, target: StackTarget = { region: undefined }): StackConfig {
  const createDemoCluster = readBoolean(read, "createDemoCluster", DEFAULTS.createDemoCluster);
  const rebalancer = parseRebalancer(read, target);
  const config: StackConfig = {
    createDemoCluster,
    network: parseNetwork(read),
    cluster: parseCluster(read),
    loadBalancer: parseLoadBalancer(read, target),
    service: parseService(read),
    rebalancer,
    security: parseSecurity(read),
    monitoring: parseMonitoring(read, rebalancer.schedule),
  };
  if (!createDemoCluster && config.rebalancer.targetClusters.length === 0) {
    throw new ConfigError("createDemoCluster", false, "requires at least one entry in targetClusters, otherwise there is nothing to watch");
  }
  checkClusterNamesDistinct(config);
  return config;
}

/** The stack's configuration, read from the project namespace (`pulumi config set <key> <value>`). */
export function loadStackConfig(): StackConfig {
  const config = new pulumi.Config();
  // the AWS provider's own fallback order for the region
  const region = new pulumi.Config("aws").get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  return parseStackConfig((key) => config.get(key), { region });
}
