import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildLambdaArchive } from "../cli/lambdaArchive";
import { median } from "./planScale";

/**
 * What the Lambda costs to ship and to start: the archive as deployed (SDK left to the runtime)
 * against the naive one (SDK bundled), and a cold require of __index.js in a fresh node process
 * with only @aws-sdk/client-ecs resolvable, against a fresh node that requires nothing.
 */
export interface ArchiveMeasures {
  lambdaArchiveBytes: number;
  /** The deployed .zip (see LambdaArchive.zipBytes). */
  lambdaZipBytes: number;
  naiveArchiveBytes: number;
  coldStartMs: number;
  emptyNodeMs: number;
  coldStartRatio: number;
}

export async function measureArchive(runs = 5): Promise<ArchiveMeasures> {
  const archive = await buildLambdaArchive();
  const naive = await buildLambdaArchive({ bundleAwsSdk: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rebalancer-cold-"));
  fs.writeFileSync(path.join(dir, "__index.js"), archive.indexJs);
  fs.mkdirSync(path.join(dir, "node_modules", "@aws-sdk"), { recursive: true });
  fs.symlinkSync(
    path.resolve(__dirname, "..", "node_modules", "@aws-sdk", "client-ecs"),
    path.join(dir, "node_modules", "@aws-sdk", "client-ecs"),
  );
  const time = (script: string) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      const result = spawnSync(process.execPath, ["--no-warnings", "-e", script], { cwd: dir, encoding: "utf8" });
      if (result.status !== 0) throw new Error(`cold start failed: ${result.stderr.split("\n")[0]}`);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return median(times);
  };
  const coldStartMs = time(`require(${JSON.stringify(path.join(dir, "__index.js"))})`);
  const emptyNodeMs = time("0");
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    lambdaArchiveBytes: archive.bytes,
    lambdaZipBytes: archive.zipBytes,
    naiveArchiveBytes: naive.bytes,
    coldStartMs,
    emptyNodeMs,
    coldStartRatio: coldStartMs / emptyNodeMs,
  };
}
