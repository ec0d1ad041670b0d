/** The value after `--name` on the command line of a bench script, or undefined when it is absent. */
export function flag(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
}
