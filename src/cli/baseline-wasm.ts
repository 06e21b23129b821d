import { setFlagsFromString } from "node:v8";

/**
 * PGlite (Postgres) and Prisma's schema parser are WebAssembly. A command runs briefly, and V8's
 * optimising tier recompiles their hot functions in the background at a cost of more than a second of
 * CPU that such a run never earns back: its baseline code is enough. Call it before any WebAssembly
 * module is compiled. The long-running `emulator` command keeps the optimising tier.
 */
export function useBaselineWasmTier(argv: readonly string[]): void {
  if (!argv.includes("emulator")) setFlagsFromString("--liftoff-only");
}
