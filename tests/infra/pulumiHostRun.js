// Calls Pulumi's Node language host the way `pulumi preview` does (cmd/run/run.js's run()), with the
// engine mocked: the index module (which parses real host flags) is stubbed before run.js loads it.
const path = require("path");
const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [process.argv[4]] }));
require.cache[require.resolve(path.join(sdk, "cmd/run/index.js"))] = {
  exports: { nodeJSProcessExitedAfterLoggingUserActionableMessage: 32 },
  loaded: true,
};
const pulumi = require(sdk);
const { run } = require(path.join(sdk, "cmd/run/run.js"));
pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs }, "h", "s", true).then(() => {
  const reported = new Set();
  run(
    { _: [process.argv[2]], pwd: process.argv[3] },
    () => {},
    (e) => reported.add(e),
    (e) => reported.has(e),
  );
});
