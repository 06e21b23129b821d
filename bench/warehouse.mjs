// Set-up of the completion benchmark: one embedded emulator (in memory) and warehouse clients pointed
// at it, wired the way the commands wire theirs.
import path from "node:path";
import { benchClient } from "./data-api-client.mjs";
import { repo } from "./lib.mjs";

const dist = (file) => import(path.join(repo, "dist", file));
const { startEmulator } = await dist("emulator/index.js");
const { createWarehouse } = await dist("warehouse/index.js");

/** Starts the in-memory emulator and one Data API client for it (fake credentials, SDK retries off). */
export async function startLab() {
  const emulator = await startEmulator({});
  const client = benchClient(emulator.endpoint);
  return {
    emulator,
    /** Warehouse clients of the emulator, with names of the environment `name`. */
    environment(name) {
      const connection = { ClusterIdentifier: "local", DbUser: "awsuser", Database: emulator.database };
      return { name, warehouse: (options = {}) => createWarehouse({ client, connection, ...options }) };
    },
    async stop() {
      client.destroy();
      await emulator.stop();
    },
  };
}
