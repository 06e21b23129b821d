// `npm run demo`: the workflow's four commands on the example schema against the embedded emulator,
// each shown as it would be typed and run exactly as `redshift-views` runs it, stopping at the first
// that fails. One process instead of four: Node, Prisma's parser and the AWS SDK load once.
import { useBaselineWasmTier } from "../dist/cli/baseline-wasm.js";
import { processIo } from "../dist/cli/io.js";
import { runCli } from "../dist/cli/main.js";

const COMMANDS = [
  ["generate"],
  ["provision", "development", "--yes"],
  ["refresh", "development"],
  ["status", "development"],
];

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
useBaselineWasmTier([]);

const io = processIo();
for (const [index, argv] of COMMANDS.entries()) {
  io.stdout(`${index === 0 ? "" : "\n"}${io.colors.bold(`$ redshift-views ${argv.join(" ")}`)}`);
  const code = await runCli(argv, io);
  if (code !== 0) {
    process.exitCode = code;
    break;
  }
}
