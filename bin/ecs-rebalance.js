#!/usr/bin/env node
// The ecs-rebalance command. It runs the TypeScript sources directly (transpile only), so the
// CLI always executes exactly the engine code that the Lambda archive serializes.
"use strict";
const path = require("path");

// Supported: Node.js 20 or later (package.json engines). The AWS SDK release the lockfile pins runs
// on Node 20, but on any Node below 22 the SDK prints a ten-line NodeVersionSupportWarning about
// its releases after the first week of January 2027. The CLI says what it supports in --help and
// the README instead, so it switches that notice off with the SDK's own variable, unless the user
// has set the variable (=false shows it again). Every other warning still prints.
const major = Number(process.versions.node.split(".")[0]);
if (major < 20) {
  process.stderr.write(`ecs-rebalance: Node.js ${process.versions.node} is not supported; use Node.js 20 or later\n`);
  process.exit(2);
}
if (process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
}

require("ts-node").register({
  transpileOnly: true,
  project: path.join(__dirname, "..", "tsconfig.json"),
});
require("../cli/main")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
