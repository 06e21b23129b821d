// A project of synthesized views and an embedded emulator configured as its warehouse, for the
// benchmarks that run the library's `provision`, `plan` and `status` (bench/child.mjs, bench/scaling.mjs).
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { benchClient, countedClient } from "./data-api-client.mjs";
import { repo, tempProject } from "./lib.mjs";
import { synthesizeSchema } from "./synthesize-schema.mjs";

const dist = (file) => import(path.join(repo, "dist", file));

/**
 * A project of `views / 2` exported models and its warehouse: an embedded emulator (in memory) on a
 * thread of its own (bench/emulator-thread.mjs), configured like a deployed environment (a cluster
 * target reached through a Data API client pointed at the emulator; one grantee per tier), with the
 * tool's own tables (lock, operation history) already created by an earlier run on another
 * environment: the steady state of a team's second and later provisions. `emulator.setFaults` and
 * `emulator.query` reach that thread. `countedClient()` makes a Data API client for it whose `calls`
 * counts every request by operation.
 */
export async function projectLab({ views, environment, fields = 40 }) {
  const { createWarehouse } = await dist("warehouse/index.js");
  const cwd = tempProject(
    "views",
    synthesizeSchema({ models: views / 2, fields, generator: "prisma-redshift-views" }),
  );
  const thread = new Worker(new URL("./emulator-thread.mjs", import.meta.url), {
    workerData: { repo, cwd, environment, views },
  });
  const pending = new Map();
  let next = 0;
  const started = new Promise((resolve, reject) => {
    thread.once("error", reject);
    thread.on("message", (message) => {
      if (message.ready === true) {
        resolve(message);
        return;
      }
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.result);
    });
  });
  const ask = (request) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      thread.postMessage({ id, ...request });
    });
  const { endpoint, database } = await started;
  const emulator = {
    endpoint,
    database,
    setFaults: (faults) => ask({ kind: "setFaults", faults }),
    query: (sql) => ask({ kind: "query", sql }),
    stop: () => ask({ kind: "stop" }),
  };
  const client = benchClient(endpoint);
  const connection = { clusterIdentifier: "local", dbUser: "awsuser", database };
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
  const clients = [];
  return {
    emulator,
    client,
    cwd,
    countedClient() {
      const counted = countedClient(emulator.endpoint);
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
      await thread.terminate();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
