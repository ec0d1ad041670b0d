import { fork } from "child_process";

/**
 * A small pool of forked worker processes. Each worker is this same script started with
 * `--worker`; it receives one job at a time over IPC and answers with one message. One simulation
 * per process at a time: the archived Lambda sets process.env around each invocation, so two
 * invocations in one process would clobber each other's environment.
 */
export interface PoolOptions<J, R> {
  script: string;
  workers: number;
  jobs: J[];
  /** Called in the parent as each job finishes (in completion order). */
  onResult: (job: J, result: R) => void;
  /** Called when a worker dies or reports an error for a job. */
  onError: (job: J, message: string) => void;
  /** Stop handing out new jobs once this returns true (e.g. a wall-clock budget). */
  stop?: () => boolean;
}

export async function runPool<J, R>(options: PoolOptions<J, R>): Promise<void> {
  const queue = [...options.jobs];
  const worker = async (): Promise<void> => {
    while (queue.length > 0 && !options.stop?.()) {
      const job = queue.shift()!;
      await runOne(options.script, job).then(
        (outcome) => ("error" in outcome ? options.onError(job, outcome.error) : options.onResult(job, outcome.result as R)),
        (error: Error) => options.onError(job, error.message),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, worker));
}

/** One fresh process per job: nothing (SDK clients, module caches, timers) leaks between jobs. */
function runOne<J>(script: string, job: J): Promise<{ result: unknown } | { error: string }> {
  return new Promise((resolve) => {
    const child = fork(script, ["--worker"], {
      execArgv: ["-r", "ts-node/register/transpile-only", "--no-warnings"],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    let answered = false;
    child.on("message", (message: { result?: unknown; error?: string }) => {
      answered = true;
      resolve("error" in message && message.error !== undefined ? { error: message.error } : { result: message.result });
      child.kill();
    });
    child.on("exit", (code, signal) => {
      if (!answered) resolve({ error: `worker exited (code ${code}, signal ${signal}) without an answer` });
    });
    child.send(job as unknown as import("child_process").Serializable);
  });
}

/** Worker side: answer the one job this process is given, then let the parent end it. */
export function serveOneJob<J, R>(work: (job: J) => Promise<R>): void {
  process.once("message", (job: J) => {
    work(job).then(
      (result) => process.send!({ result }),
      (error: Error) => process.send!({ error: String(error?.stack ?? error) }),
    );
  });
}
