/**
 * Runs `work` with console.log, info, debug and warn writing to stderr, so that stdout carries only
 * what the command prints itself (`--json`: one parseable object). The archived Lambda logs with
 * console.log, as Lambda expects; in the CLI those lines are diagnostics.
 */
export async function withConsoleOnStderr<T>(work: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn };
  const toStderr = (...args: unknown[]) =>
    process.stderr.write(`${args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")}\n`);
  Object.assign(console, { log: toStderr, info: toStderr, debug: toStderr, warn: toStderr });
  try {
    return await work();
  } finally {
    Object.assign(console, saved);
  }
}
