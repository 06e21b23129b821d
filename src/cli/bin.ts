#!/usr/bin/env node
import { useBaselineWasmTier } from "./baseline-wasm.js";
import { processIo } from "./io.js";
import { runCli } from "./main.js";

// The AWS SDK warns on every run under Node 20 that its future releases will need Node 22. That is
// about upgrading the SDK later, not about this run; the README's requirements say it once instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

useBaselineWasmTier(process.argv.slice(2));

process.exitCode = await runCli(process.argv.slice(2), processIo());
