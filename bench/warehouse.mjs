// Shared set-up of benchmarks 4–5: synthesized projects, one embedded emulator (in memory; starting
// PGlite costs seconds, so benchmarks share it, each in its own environment) and warehouse clients
// pointed at it, wired the way `provision` and `status` wire them.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { repo, tempProject } from "./lib.mjs";
import { synthesizeSchema } from "./synthesize-schema.mjs";

const dist = (file) => import(path.join(repo, "dist", file));
const { startEmulator } = await dist("emulator/index.js");
const { createWarehouse } = await dist("warehouse/index.js");
const { prepareViews } = await dist("generate/generate.js");
const { sourceLocation } = await dist("connect/session.js");

/** One grantee per tier, so each view's batch is DROP, CREATE, COMMENT, GRANT as in a configured project. */
const GRANTS = {
  nonPii: [{ kind: "group", name: "analysts" }],
  pii: [{ kind: "role", name: "pii_readers" }],
};

/** A project of `models` exported models (each gives a non-PII and a PII view). */
export function benchProject({ models, fields }) {
  const cwd = tempProject("views", synthesizeSchema({ models, fields, generator: "prisma-redshift-views" }));
  const schemaPath = path.join(cwd, "prisma/schema.prisma");
  return {
    cwd,
    prepare: () => prepareViews({ cwd, generatorName: "views" }),
    /** Rewrites the schema text (e.g. to reclassify a field). */
    edit(change) {
      writeFileSync(schemaPath, change(readFileSync(schemaPath, "utf8")));
    },
    remove: () => rmSync(cwd, { recursive: true, force: true }),
  };
}

/** Starts the in-memory emulator and one Data API client for it (fake credentials, SDK retries off). */
export async function startLab() {
  const emulator = await startEmulator({});
  const client = new RedshiftDataClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    maxAttempts: 1,
  });
  return {
    emulator,
    /**
     * An environment of the emulator: the replicated source tables of `prepared` (if given) are
     * created, then warehouse clients (each with its own `stats.calls`) and sessions can be made for it.
     */
    async environment(name, prepared) {
      if (prepared !== undefined)
        await emulator.seedSourceTables({
          schema: prepared.schema,
          source: sourceLocation(prepared, name),
          sampleRows: 0,
        });
      const target = {
        kind: "local",
        environment: name,
        dataDir: "(in memory)",
        database: "dev",
        grants: GRANTS,
      };
      return {
        name,
        warehouse: (options = {}) => createWarehouse({ client, target, ...options }),
        /** What `buildPlan`/`readStatus` need of a session. */
        session: (views, warehouse) => ({
          environment: name,
          prepared: views,
          config: undefined,
          target,
          warehouse,
          close: async () => {},
        }),
      };
    },
    async stop() {
      client.destroy();
      await emulator.stop();
    },
  };
}

/** Sum of a `stats.calls` record. */
export function totalCalls(calls) {
  return Object.values(calls).reduce((sum, count) => sum + count, 0);
}

/** Calls made between two snapshots of `stats.calls`. */
export function callsSince(before, after) {
  const diff = {};
  for (const [operation, count] of Object.entries(after)) {
    const made = count - (before[operation] ?? 0);
    if (made > 0) diff[operation] = made;
  }
  return diff;
}
