/**
 * EcsSimulator: an ECS control plane on a virtual clock. The HTTP endpoint (server.ts) speaks
 * the real ECS JSON 1.1 protocol; the direct helpers here are operator actions for scenarios and
 * tests and are not counted as API calls.
 */
import type { CreateServiceRequest, RegisterTaskDefinitionRequest, UpdateServiceRequest } from "@aws-sdk/client-ecs";
import { VirtualClock } from "./clock";
import { Random } from "./random";
import { EcsState, emptyMetrics, type Faults, type Metrics, type Timing } from "./state";
import { EventQueue, type EcsEvent } from "./events";
import { AutoScalingGroup, type AutoScalingGroupOptions, type InstanceHost } from "./autoScaling";
import {
  markDeregistered,
  registerContainerInstance as register,
  setAgentConnected as setAgent,
  setInstanceStatus,
  type InstanceShape,
} from "./containerInstances";
import { registerTaskDefinition as register_td } from "./taskDefinitions";
import { createService as create_service, updateService as update_service } from "./services";
import { stopImmediately, stopTaskByUser, tickTasks } from "./tasks";
import { createCluster as createClusterIn } from "./clusters";
import { tickService } from "./scheduler";
import { isServiceSteady } from "./deployments";
import { isAzRebalancingPending, tickAzRebalancing } from "./azRebalancing";
import { countTasks } from "./shapes";
import { admitOperation, ApiCallCounter, type ApiCalls, handleOperation } from "./api";
import { answerWithinContract, requireValidRequest } from "./contract/enforce";
import { ApiServer } from "./server";

export interface EcsSimulatorOptions {
  seed?: number;
  region?: string;
  accountId?: string;
  taskStartSeconds?: number;
  taskStopSeconds?: number;
  instanceBootSeconds?: number;
  azRebalancingDelaySeconds?: number;
  schedulerDelaySeconds?: number;
  apiCallSeconds?: number;
  /** Virtual time at construction; defaults to 2024-01-01T00:00:00Z. */
  startTime?: Date;
}

export const DEFAULT_OPTIONS = {
  seed: 1,
  region: "us-east-1",
  accountId: "123456789012",
  taskStartSeconds: 10,
  taskStopSeconds: 30,
  instanceBootSeconds: 60,
  azRebalancingDelaySeconds: 60,
  schedulerDelaySeconds: 0,
  apiCallSeconds: 0,
};

/** Scheduler granularity: the service scheduler and task lifecycles advance once per virtual second. */
export const TICK_SECONDS = 1;

export class EcsSimulator implements InstanceHost {
  readonly state: EcsState;
  readonly faults: Faults = {
    throttleRate: 0,
    latencyMs: 0,
    describeFailureRate: 0,
    duplicateEventRate: 0,
    reorderEvents: false,
    deniedOperations: [],
    tokenBuckets: false,
    foreignUpdateServicePerSecond: 0,
  };
  readonly calls = new ApiCallCounter();
  private readonly groups: AutoScalingGroup[] = [];
  private readonly secondObservers: Array<() => void> = [];
  private server?: ApiServer;

  constructor(options: EcsSimulatorOptions = {}) {
    const o = { ...DEFAULT_OPTIONS, ...stripUndefined(options) };
    const clock = new VirtualClock(options.startTime?.getTime());
    const timing: Timing = {
      taskStartSeconds: o.taskStartSeconds,
      taskStopSeconds: o.taskStopSeconds,
      instanceBootSeconds: o.instanceBootSeconds,
      azRebalancingDelaySeconds: o.azRebalancingDelaySeconds,
      schedulerDelaySeconds: o.schedulerDelaySeconds,
      apiCallSeconds: o.apiCallSeconds,
    };
    const events = new EventQueue(() => this.state.faultRandom, this.faults);
    this.state = new EcsState(o.region, o.accountId, clock, new Random(o.seed), timing, this.faults, events);
  }

  /** Starts the HTTP endpoint on 127.0.0.1 (ephemeral port by default); returns its URL. */
  async listen(port = 0): Promise<string> {
    if (this.server) return this.server.url;
    this.server = new ApiServer((operation, body) => this.call(operation, body), this.faults);
    return this.server.listen(port);
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  /** HTTP requests received so far and those still open (none when not listening). */
  get httpActivity(): { received: number; open: number } {
    return this.server?.activity ?? { received: 0, open: 0 };
  }

  get endpoint(): string | undefined {
    return this.server?.url;
  }

  /** Handles one API operation in-process, counted and faulted like an HTTP request (no latency). */
  call(operation: string, input: Record<string, unknown>): unknown {
    this.calls.record(operation);
    try {
      return answerWithinContract(this, operation, input, {
        admit: () => admitOperation(this.state, operation),
        handle: () => handleOperation(this.state, operation, input),
      });
    } finally {
      // each call takes time: the asynchronous scheduler may act between two calls of one run
      if (this.state.timing.apiCallSeconds > 0) this.advance(this.state.timing.apiCallSeconds);
    }
  }

  get now(): Date {
    return this.state.clock.now;
  }

  get nowMs(): number {
    return this.state.nowMs;
  }

  get random(): Random {
    return this.state.random;
  }

  get timing(): Timing {
    return this.state.timing;
  }

  /** Moves virtual time forward, running the scheduler once per tick. */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new Error(`advance(${seconds}): seconds must be >= 0`);
    let remainingMs = Math.round(seconds * 1000);
    while (remainingMs > 0) {
      const step = Math.min(TICK_SECONDS * 1000, remainingMs);
      this.tick(step);
      remainingMs -= step;
    }
  }

  private tick(stepMs: number): void {
    this.state.clock.advanceMs(stepMs);
    for (const group of this.groups) group.tick();
    tickTasks(this.state);
    for (const cluster of this.state.clusters.values()) {
      for (const service of cluster.services.values()) {
        tickService(this.state, cluster, service);
        tickAzRebalancing(this.state, cluster, service);
      }
    }
    this.recordMinRunning();
    for (const observe of this.secondObservers) observe();
  }

  /**
   * Calls `observer` after every virtual second, once the scheduler has run: for measures that must
   * not miss what happens between two API calls (a service below its floor for a second, say).
   */
  everySecond(observer: () => void): void {
    this.secondObservers.push(observer);
  }

  private recordMinRunning(): void {
    const minRunning = this.state.metrics.minRunning;
    for (const cluster of this.state.clusters.values()) {
      for (const service of cluster.services.values()) {
        if (service.status === "INACTIVE") continue;
        const running = countTasks(service.tasks).running;
        if (!(service.name in minRunning) || running < minRunning[service.name]) minRunning[service.name] = running;
      }
    }
  }

  /**
   * Advances until the cluster is steady; returns the seconds it took. Always runs at least one
   * tick, since the scheduler reacts to an action (a new instance, a new service) on its next tick.
   * Throws after maxSeconds.
   */
  settle(clusterName: string, maxSeconds = 3600): number {
    for (let waited = TICK_SECONDS; waited <= maxSeconds; waited += TICK_SECONDS) {
      this.advance(TICK_SECONDS);
      if (this.isSteady(clusterName)) return waited;
    }
    throw new Error(`cluster ${clusterName} did not become steady within ${maxSeconds} s of virtual time`);
  }

  createCluster(name: string): string {
    return createClusterIn(this.state, name).arn;
  }

  registerTaskDefinition(input: RegisterTaskDefinitionRequest): string {
    requireValidRequest("RegisterTaskDefinition", input);
    return register_td(this.state, input).arn;
  }

  createService(clusterName: string, input: Omit<CreateServiceRequest, "cluster">): string {
    requireValidRequest("CreateService", input);
    return create_service(this.state, this.state.cluster(clusterName), input as CreateServiceRequest).arn;
  }

  updateService(clusterName: string, input: Omit<UpdateServiceRequest, "cluster">): void {
    requireValidRequest("UpdateService", input);
    update_service(this.state, this.state.cluster(clusterName), input as UpdateServiceRequest);
  }

  /** An operator action (console, Application Auto Scaling): not counted as an API call. */
  setDesiredCount(clusterName: string, serviceName: string, count: number): void {
    this.updateService(clusterName, { service: serviceName, desiredCount: count });
  }

  /** StopTask without HTTP; counted in metrics() like the API call. */
  stopTask(clusterName: string, taskArn: string, reason = "Task stopped by user"): void {
    const task = this.state.task(this.state.cluster(clusterName), taskArn);
    if (!task) throw new Error(`no task ${taskArn} in cluster ${clusterName}`);
    stopTaskByUser(this.state, task, reason);
  }

  /**
   * A fault: the task's container health check fails, so DescribeTasks reports it UNHEALTHY. The
   * service scheduler then replaces it (scheduler.ts), as ECS does.
   */
  failHealthCheck(clusterName: string, taskArn: string): void {
    const task = this.state.task(this.state.cluster(clusterName), taskArn);
    if (!task) throw new Error(`no task ${taskArn} in cluster ${clusterName}`);
    if (task.lastStatus !== "RUNNING" || task.healthStatus === "UNHEALTHY") return;
    task.healthStatus = "UNHEALTHY";
    task.version++;
  }

  /** A person or another tool tagging a resource (as TagResource does); not counted as an API call. */
  tagResource(resourceArn: string, tags: Array<{ key: string; value: string }>): void {
    const byKey = new Map((this.state.tags.get(resourceArn) ?? []).map((t) => [t.key, t]));
    for (const tag of tags) byKey.set(tag.key, tag);
    this.state.tags.set(resourceArn, [...byKey.values()]);
  }

  autoScalingGroup(clusterName: string, options: AutoScalingGroupOptions): AutoScalingGroup {
    this.state.cluster(clusterName);
    const group = new AutoScalingGroup(this, clusterName, {
      ...options,
      bootSeconds: options.bootSeconds ?? this.state.timing.instanceBootSeconds,
      drainTimeoutSeconds: options.drainTimeoutSeconds ?? 3600,
    });
    this.groups.push(group);
    return group;
  }

  autoScalingGroups(clusterName?: string): AutoScalingGroup[] {
    return this.groups.filter((g) => clusterName === undefined || g.clusterName === clusterName);
  }

  /** Registers a container instance at once (no Auto Scaling group, no boot delay). */
  registerContainerInstance(clusterName: string, shape: InstanceShape): string {
    return register(this.state, this.state.cluster(clusterName), shape).arn;
  }

  drainInstance(containerInstanceArn: string): void {
    setInstanceStatus(this.state, this.state.containerInstanceByArn(containerInstanceArn), "DRAINING");
  }

  activateInstance(containerInstanceArn: string): void {
    setInstanceStatus(this.state, this.state.containerInstanceByArn(containerInstanceArn), "ACTIVE");
  }

  setAgentConnected(containerInstanceArn: string, connected: boolean): void {
    setAgent(this.state, this.state.containerInstanceByArn(containerInstanceArn), connected);
  }

  taskCountOn(containerInstanceArn: string): number {
    return this.state.containerInstanceByArn(containerInstanceArn).tasks.size;
  }

  /** Terminates (or loses) an instance: its tasks are STOPPED at once and it goes INACTIVE. */
  terminateInstance(containerInstanceArn: string): void {
    const instance = this.state.containerInstanceByArn(containerInstanceArn);
    if (instance.status === "INACTIVE") return;
    for (const task of [...instance.tasks]) stopImmediately(this.state, task, "Host EC2 instance terminated", "TaskFailedToStart");
    markDeregistered(this.state, instance);
  }

  /** An instance that vanishes abruptly; if an Auto Scaling group owns it, the group replaces it. */
  loseInstance(containerInstanceArn: string): void {
    const group = this.groups.find((g) => g.allMembers().some((m) => m.containerInstanceArn === containerInstanceArn));
    if (group) group.loseInstance(containerInstanceArn);
    else this.terminateInstance(containerInstanceArn);
  }

  /** Every service steady, no task between statuses, no task left on a DRAINING instance, no instance booting or being terminated. */
  isSteady(clusterName: string): boolean {
    const cluster = this.state.cluster(clusterName);
    for (const task of this.state.transitioning) if (task.clusterName === clusterName) return false;
    for (const service of cluster.services.values())
      if (!isServiceSteady(service) || isAzRebalancingPending(this.state, cluster, service)) return false;
    // Tasks on a DRAINING instance are about to be replaced: not steady yet.
    for (const instance of cluster.instances.values()) if (instance.status === "DRAINING" && instance.tasks.size > 0) return false;
    return this.autoScalingGroups(clusterName).every((g) => g.isSettled());
  }

  /** RUNNING tasks per container instance and service; empty ACTIVE instances appear as {}. */
  distribution(clusterName: string): Record<string, Record<string, number>> {
    const result: Record<string, Record<string, number>> = {};
    for (const instance of this.state.cluster(clusterName).instances.values()) {
      if (instance.status === "INACTIVE") continue;
      const counts: Record<string, number> = {};
      for (const task of instance.tasks) {
        if (task.lastStatus !== "RUNNING" || !task.serviceName) continue;
        counts[task.serviceName] = (counts[task.serviceName] ?? 0) + 1;
      }
      if (instance.status === "ACTIVE" || Object.keys(counts).length > 0) result[instance.arn] = counts;
    }
    return result;
  }

  takeEvents(): EcsEvent[] {
    return this.state.events.take();
  }

  apiCalls(): ApiCalls {
    return this.calls.snapshot();
  }

  resetApiCalls(): void {
    this.calls.reset();
  }

  metrics(): Metrics {
    return structuredClone(this.state.metrics);
  }

  /** Starts a new measuring window: minRunning starts from the current RUNNING counts. */
  resetMetrics(): void {
    this.state.metrics = emptyMetrics();
    this.recordMinRunning();
  }

  /** Re-seeds the random source (scenarios carry their own seed). */
  reseed(seed: number): void {
    this.state.random = new Random(seed);
    this.state.faultRandom = this.state.random.derive();
  }

  /** Changes the region; only before any cluster exists, since ARNs embed it. */
  setRegion(region: string): void {
    if (region === this.state.region) return;
    if (this.state.clusters.size > 0) throw new Error("the region can only change before any cluster is created");
    this.state.region = region;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
