import { ChildProcess, fork, Serializable } from "child_process";

/**
 * A small pool of forked worker processes. Each worker is this same script started with
 * `--worker`; it receives jobs over IPC and answers each with one message. One simulation per
 * process at a time: the archived Lambda sets process.env around each invocation, so two
 * invocations in one process would clobber each other's environment.
 */
export interface PoolOptions<J, R> {
  script: string;
  workers: number;
  jobs: J[];
  /** Called in the parent as each job finishes (in completion order). */
  onResult: (job: J, result: R) => void;
  /** Called when a worker dies, times out or reports an error for a job. */
  onError: (job: J, message: string) => void;
  /** Stop handing out new jobs once this returns true (e.g. a wall-clock budget). */
  stop?: () => boolean;
  /** Keep each worker for many jobs (soak: the archive is built once per worker). Default: one process per job. */
  reuse?: boolean;
  /** Kill a worker whose job takes longer than this (real ms); the job is reported as an error. */
  jobTimeoutMs?: number;
}

export async function runPool<J, R>(options: PoolOptions<J, R>): Promise<void> {
  const queue = [...options.jobs];
  const lane = async (): Promise<void> => {
    let child: ChildProcess | undefined;
    try {
      while (queue.length > 0 && !options.stop?.()) {
        const job = queue.shift()!;
        if (!child || child.exitCode !== null || child.signalCode !== null) child = spawn(options.script);
        const outcome = await ask(child, job, options.jobTimeoutMs);
        if ("error" in outcome) options.onError(job, outcome.error);
        else options.onResult(job, outcome.result as R);
        if (!options.reuse || "fatal" in outcome) {
          child.kill();
          child = undefined;
        }
      }
    } finally {
      child?.kill();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, lane));
}

function spawn(script: string): ChildProcess {
  return fork(script, ["--worker"], {
    execArgv: ["-r", "ts-node/register/transpile-only", "--no-warnings"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
}

type Outcome = { result: unknown } | { error: string; fatal?: true };

function ask<J>(child: ChildProcess, job: J, timeoutMs?: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: Outcome) => {
      if (timer) clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(outcome);
    };
    const onMessage = (message: { result?: unknown; error?: string }) =>
      finish(message.error !== undefined ? { error: message.error } : { result: message.result });
    const onExit = (code: number | null, signal: string | null) =>
      finish({ error: `worker exited (code ${code}, signal ${signal}) without an answer`, fatal: true });
    child.on("message", onMessage);
    child.on("exit", onExit);
    if (timeoutMs)
      timer = setTimeout(() => finish({ error: `job timed out after ${timeoutMs} ms (worker killed)`, fatal: true }), timeoutMs);
    child.send(job as unknown as Serializable);
  });
}

/** Worker side: answer every job this process is given, one at a time, until the parent ends it. */
export function serveJobs<J, R>(work: (job: J) => Promise<R>): void {
  let chain = Promise.resolve();
  process.on("message", (job: J) => {
    chain = chain.then(() =>
      work(job).then(
        (result) => void process.send!({ result }),
        (error: Error) => void process.send!({ error: String(error?.stack ?? error) }),
      ),
    );
  });
}
