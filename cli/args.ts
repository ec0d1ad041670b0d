import { parseArgs, ParseArgsConfig } from "util";
import { CliError } from "./cliError";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Node's own argument parser, with its errors turned into one-line CLI errors. */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = (error as Error).message.split("\n")[0].replace(/\. To specify .*$/, "");
    throw new CliError(`${command}: ${message}`);
  }
}

export function required(command: string, flag: string, value: string | boolean | undefined): string {
  if (typeof value !== "string" || value === "") throw new CliError(`${command}: --${flag} is required`);
  return value;
}

export function integerFlag(command: string, flag: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || number < min || number > max) {
    throw new CliError(`${command}: --${flag} "${String(value)}" must be an integer from ${min} to ${max}`);
  }
  return number;
}
