// The last step of `prepare` (which `npm ci` and `npm install` run in this repository): initialises
// the local emulator's Postgres cluster once and keeps it in the cache folder (see docs/emulator.md,
// "Start-up and the initialised-cluster cache"), so that the first `npm run demo` or `redshift-views`
// command on a fresh clone starts in about 2 s instead of paying PGlite's `initdb` (about 5 s). Nothing
// is done when the cache already holds it; a failure only warns: the first start then runs `initdb`.
import { existsSync } from "node:fs";
import { useBaselineWasmTier } from "../dist/cli/baseline-wasm.js";
import { clusterFile, defaultCacheDir, openCluster } from "../dist/emulator/initialised-cluster.js";

const cacheDir = defaultCacheDir(process.env);
if (cacheDir !== undefined && !existsSync(clusterFile(cacheDir))) {
  useBaselineWasmTier([]);
  const started = performance.now();
  try {
    const { db } = await openCluster(undefined, cacheDir);
    await db.close();
    console.log(
      `Initialised the local emulator's cluster in ${((performance.now() - started) / 1000).toFixed(1)} s (${clusterFile(cacheDir)}).`,
    );
  } catch (error) {
    console.warn(
      `Could not initialise the local emulator's cluster ahead of time (${error instanceof Error ? error.message : String(error)}); its first start will.`,
    );
  }
}
