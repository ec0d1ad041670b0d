import * as fs from "fs";
import { buildLambdaArchive } from "../cli/lambdaArchive";
buildLambdaArchive().then((a) => { fs.writeFileSync("/tmp/arch10.js", a.indexJs); console.log(a.bytes); process.exit(0); });
