#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";
import { processIo } from "./io.js";
import { runCli } from "./main.js";

// The AWS SDK warns on every run under Node 20 that its future releases will need Node 22. That is
// about upgrading the SDK later, not about this run; the README's requirements say it once instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// PGlite (Postgres) and Prisma's schema parser are WebAssembly. A command runs briefly, and V8's
// optimising tier recompiles their hot functions in the background at a cost of more than a second of
// CPU that such a run never earns back: its baseline code is enough. Set before any module is
// compiled. The long-running `emulator` command keeps the optimising tier.
if (!process.argv.slice(2).includes("emulator")) setFlagsFromString("--liftoff-only");

process.exitCode = await runCli(process.argv.slice(2), processIo());
