/** The ECS simulator's public surface. It imports nothing from the rest of the repository. */
export { EcsSimulator, DEFAULT_OPTIONS, TICK_SECONDS, type EcsSimulatorOptions } from "./simulator";
export { AutoScalingGroup, type AutoScalingGroupOptions, type GroupMember } from "./autoScaling";
export type { EcsEvent, EcsDetailType } from "./events";
export type { Faults, Metrics, Timing } from "./state";
export type { ApiCalls } from "./api";
export { EcsError, type EcsErrorCode } from "./errors";
export { VirtualClock } from "./clock";
export { Random } from "./random";
export {
  loadScenario,
  applyStep,
  runScenario,
  validateScenario,
  parseScenario,
  readScenarioFile,
  createScenarioSimulator,
  loadedScenario,
  STEP_ACTIONS,
  type Scenario,
  type ScenarioService,
  type ScenarioStep,
  type StepResult,
  type StepOptions,
  type LoadedScenario,
} from "./scenario";
