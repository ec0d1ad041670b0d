/** Bad input from the user: printed as one line, exit code 2, never a stack trace. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
