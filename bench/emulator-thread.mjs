// The warehouse of bench/project-lab.mjs, in a worker thread of its own: an embedded emulator (in
// memory) with a project's replicated source tables, its grantees and the tool's own tables. A real
// warehouse is another machine: here the emulator's PGlite work (synchronous WebAssembly) runs on its
// own thread instead of holding up the client's event loop, so what a benchmark times is the client's
// orchestration against a warehouse that answers in the injected latency.
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";

const { repo, cwd, environment, views } = workerData;
const dist = (file) => import(path.join(repo, "dist", file));
const { startEmulator } = await dist("emulator/index.js");
const { prepareViews } = await dist("generate/generate.js");
const { sourceLocation } = await dist("connect/session.js");
const { createWarehouse } = await dist("warehouse/index.js");
const { acquireProvisionLock } = await dist("lock/provision-lock.js");
const { HISTORY_SETUPS } = await dist("history/history-table.js");
const { benchClient } = await import("./data-api-client.mjs");

const emulator = await startEmulator({});
const client = benchClient(emulator.endpoint);
await emulator.query("CREATE GROUP analysts");
await emulator.query("CREATE ROLE pii_readers");
const prepared = await prepareViews({ cwd, generatorName: "views" });
if (prepared.specs.length !== views) throw new Error(`expected ${views} views, got ${prepared.specs.length}`);
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
client.destroy();

parentPort.on("message", async ({ id, kind, faults, sql }) => {
  try {
    let result;
    if (kind === "setFaults") emulator.setFaults(faults);
    else if (kind === "query") result = await emulator.query(sql);
    else if (kind === "stop") await emulator.stop();
    parentPort.postMessage({ id, result });
    if (kind === "stop") parentPort.close();
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) });
  }
});
parentPort.postMessage({ ready: true, endpoint: emulator.endpoint, database: emulator.database });
