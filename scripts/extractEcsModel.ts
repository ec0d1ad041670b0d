/**
 * Writes simulator/contract/ecsModelExtract.json from the official ECS API model (botocore's
 * ecs/2014-11-13/service-2.json): for every operation the simulator serves, its input and output
 * shapes (and every shape they reach) with required members, types, enums, patterns, lengths,
 * list limits and numeric ranges, and its modelled errors. Nothing in the extract is typed by hand.
 *
 *   npm run model:extract [-- --model <service-2.json>] [-- --out <extract.json>] [-- --check]
 *
 * --check regenerates in memory and fails if the committed extract differs (the spec does the same).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildExtract, readProvenance } from "./ecsModelExtract";

const ROOT = path.join(__dirname, "..");
export const DEFAULT_MODEL = path.join(ROOT, "..", "shared", "aws-models", "ecs-2014-11-13.service-2.json");
export const DEFAULT_OUT = path.join(ROOT, "simulator", "contract", "ecsModelExtract.json");

interface Args {
  model: string;
  out: string;
  check: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { model: DEFAULT_MODEL, out: DEFAULT_OUT, check: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--check") args.check = true;
    else if ((flag === "--model" || flag === "--out") && argv[i + 1]) args[flag.slice(2) as "model" | "out"] = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${JSON.stringify(flag)}: expected --model <file>, --out <file> or --check`);
  }
  return args;
}

/** The extract as the script writes it: pretty JSON, one trailing newline, so a diff reads well. */
export function renderExtract(modelPath: string): string {
  const model = JSON.parse(fs.readFileSync(modelPath, "utf8"));
  const extract = buildExtract(model, readProvenance(modelPath));
  return `${JSON.stringify(extract, null, 2)}\n`;
}

function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (!fs.existsSync(args.model)) throw new Error(`model file ${args.model} not found (pass --model <service-2.json>)`);
  const text = renderExtract(args.model);
  if (args.check) {
    const committed = fs.existsSync(args.out) ? fs.readFileSync(args.out, "utf8") : "";
    if (committed === text) return 0;
    process.stderr.write(`${path.relative(ROOT, args.out)} is stale: run npm run model:extract\n`);
    return 1;
  }
  fs.writeFileSync(args.out, text);
  process.stdout.write(`wrote ${path.relative(ROOT, args.out)} (${Buffer.byteLength(text)} bytes)\n`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`model:extract: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
