// A project of synthesized views and an embedded emulator configured as its warehouse, for the
// benchmarks that run the library's `provision`, `plan` and `status` (bench/child.mjs, bench/scaling.mjs).
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repo, tempProject } from "./lib.mjs";
import { synthesizeSchema } from "./synthesize-schema.mjs";

const dist = (file) => import(path.join(repo, "dist", file));

/**
 * An embedded emulator (in memory) and a project of `views / 2` exported models, configured like a
 * deployed environment (a cluster target reached through a Data API client pointed at the emulator;
 * one grantee per tier), with the tool's own tables (lock, operation history) already created by an
 * earlier run on another environment: the steady state of a team's second and later provisions.
 * `countedClient()` makes a Data API client for it whose `calls` counts every request by operation.
 */
export async function projectLab({ views, environment, fields = 40 }) {
  const { startEmulator } = await dist("emulator/index.js");
  const { prepareViews } = await dist("generate/generate.js");
  const { sourceLocation } = await dist("connect/session.js");
  const { createWarehouse } = await dist("warehouse/index.js");
  const { acquireProvisionLock } = await dist("lock/provision-lock.js");
  const { HISTORY_SETUPS } = await dist("history/history-table.js");
  const { RedshiftDataClient } = await import("@aws-sdk/client-redshift-data");
  const emulator = await startEmulator({});
  const client = new RedshiftDataClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    maxAttempts: 1,
  });
  const cwd = tempProject(
    "views",
    synthesizeSchema({ models: views / 2, fields, generator: "prisma-redshift-views" }),
  );
  const connection = { clusterIdentifier: "local", dbUser: "awsuser", database: emulator.database };
  writeFileSync(
    path.join(cwd, "redshift-views.config.json"),
    JSON.stringify({
      environments: {
        [environment]: { ...connection, region: "us-east-1" },
        warm: { ...connection, region: "us-east-1" },
      },
      grants: { nonPii: ["GROUP analysts"], pii: ["ROLE pii_readers"] },
    }),
  );
  await emulator.query("CREATE GROUP analysts");
  await emulator.query("CREATE ROLE pii_readers");
  const prepared = await prepareViews({ cwd, generatorName: "views" });
  if (prepared.specs.length !== views)
    throw new Error(`expected ${views} views, got ${prepared.specs.length}`);
  await emulator.seedSourceTables({
    schema: prepared.schema,
    source: sourceLocation(prepared, environment),
    sampleRows: 0,
  });
  const setup = createWarehouse({
    client,
    connection: { ClusterIdentifier: "local", DbUser: "awsuser", Database: emulator.database },
    poll: { initialDelayMs: 2, maxDelayMs: 10, factor: 2 },
  });
  const lock = await acquireProvisionLock(setup, { environment: "warm" });
  await lock.release();
  const history = await setup.executeBatch(HISTORY_SETUPS.at(-1), { name: "bench-setup" });
  if (history.kind !== "finished") throw new Error(`history table: ${JSON.stringify(history)}`);
  const clients = [];
  return {
    emulator,
    client,
    cwd,
    countedClient() {
      const counted = new RedshiftDataClient({
        endpoint: emulator.endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
        maxAttempts: 1,
      });
      counted.calls = {};
      counted.middlewareStack.add(
        (next, context) => (args) => {
          counted.calls[context.commandName] = (counted.calls[context.commandName] ?? 0) + 1;
          return next(args);
        },
        { step: "initialize", name: "benchCallCounter" },
      );
      clients.push(counted);
      return counted;
    },
    createWarehouse: (more) =>
      createWarehouse({
        client,
        connection: { ClusterIdentifier: "local", DbUser: "awsuser", Database: emulator.database },
        ...more,
      }),
    async stop() {
      for (const made of [client, ...clients]) made.destroy();
      await emulator.stop();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
