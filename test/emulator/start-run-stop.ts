/**
 * Measures start → 100 small statements → stop of the emulator, through the real SDK client, and
 * prints the timings as JSON. Run by `lifecycle.test.ts` in a child process, which also proves that
 * the process exits by itself after `stop()` (no server, socket or timer left behind):
 *   npx jiti test/emulator/start-run-stop.ts
 */
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { startEmulator } from "../../src/emulator/index.js";

const dataDir = process.argv[2];
const t0 = performance.now();
const emulator = await startEmulator(dataDir === undefined ? {} : { dataDir });
const t1 = performance.now();
const client = new RedshiftDataClient({
  endpoint: emulator.endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
  maxAttempts: 1,
});
let failed = 0;
for (let i = 0; i < 100; i++) {
  const { Id } = await client.send(
    new ExecuteStatementCommand({
      ClusterIdentifier: "local",
      DbUser: "awsuser",
      Database: "dev",
      Sql: `SELECT ${i} AS n`,
    }),
  );
  for (;;) {
    const { Status } = await client.send(new DescribeStatementCommand({ Id }));
    if (Status === "FAILED" || Status === "ABORTED") failed++;
    if (Status === "FINISHED" || Status === "FAILED" || Status === "ABORTED") break;
  }
}
const t2 = performance.now();
client.destroy();
await emulator.stop();
const t3 = performance.now();
process.stdout.write(
  `${JSON.stringify({
    startMs: Math.round(t1 - t0),
    hundredStatementsMs: Math.round(t2 - t1),
    stopMs: Math.round(t3 - t2),
    totalMs: Math.round(t3 - t0),
    failed,
  })}\n`,
);
