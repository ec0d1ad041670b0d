#!/usr/bin/env node
// The ecs-rebalance command. It runs the TypeScript sources directly (transpile only), so the
// CLI always executes exactly the engine code that the Lambda archive serializes.
"use strict";
const path = require("path");
require("ts-node").register({
  transpileOnly: true,
  project: path.join(__dirname, "..", "tsconfig.json"),
});
require("../cli/main").main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
