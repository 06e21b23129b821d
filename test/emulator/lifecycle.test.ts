import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { RedshiftViewsError } from "../../src/errors.js";
import { AS_SUPERUSER, clientFor, waitFor } from "./helpers.js";

const run = promisify(execFile);
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "redshift-views-emulator-"));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("persistence", () => {
  it("keeps the warehouse and the statement history across instances on one data folder, one at a time", async () => {
    const first = await startEmulator({ dataDir });
    const client = clientFor(first.endpoint);
    let selectId: string | undefined;
    try {
      await expect(startEmulator({ dataDir })).rejects.toSatisfy(
        (error: unknown) =>
          error instanceof RedshiftViewsError &&
          error.code === "E_EMULATOR_LOCKED" &&
          error.message.includes(dataDir),
      );
      const created = await client.send(
        new ExecuteStatementCommand({
          ...AS_SUPERUSER,
          StatementName: "persist-create",
          Sql: `CREATE TABLE public.kept AS SELECT 42 AS answer;
                CREATE MATERIALIZED VIEW public.kept_mv AUTO REFRESH NO AS SELECT answer FROM public.kept`,
        }),
      );
      expect((await waitFor(client, created.Id)).Status).toBe("FINISHED");
      const selected = await client.send(
        new ExecuteStatementCommand({
          ...AS_SUPERUSER,
          StatementName: "persist-select",
          Sql: "SELECT answer FROM public.kept",
        }),
      );
      selectId = selected.Id;
      await waitFor(client, selectId);
      await first.query("INSERT INTO public.kept VALUES (43)");
    } finally {
      client.destroy();
      await first.stop();
    }

    const second = await startEmulator({ dataDir });
    const again = clientFor(second.endpoint);
    try {
      const listed = await again.send(new ListStatementsCommand({ StatementName: "persist-" }));
      expect(listed.Statements?.map((statement) => [statement.StatementName, statement.Status])).toEqual([
        ["persist-select", "FINISHED"],
        ["persist-create", "FINISHED"],
      ]);
      expect((await again.send(new DescribeStatementCommand({ Id: selectId }))).ResultRows).toBe(1);
      expect((await again.send(new GetStatementResultCommand({ Id: selectId }))).Records).toEqual([
        [{ longValue: 42 }],
      ]);
      expect(await second.query("SELECT answer FROM public.kept ORDER BY 1")).toEqual([
        { answer: 42 },
        { answer: 43 },
      ]);
      expect(await second.query("SELECT is_stale FROM svv_mv_info WHERE trim(name) = 'kept_mv'")).toEqual([
        { is_stale: "t" },
      ]);
    } finally {
      again.destroy();
      await second.stop();
    }
  });

  it("takes over a lock left by a process that no longer runs", async () => {
    // The folder of the previous test: reopening an existing PGlite folder is quick.
    await writeFile(
      path.join(dataDir, "emulator.lock"),
      JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: "then" }),
    );
    const emulator = await startEmulator({ dataDir });
    expect(await emulator.query("SELECT count(*)::int AS n FROM public.kept")).toEqual([{ n: 2 }]);
    await emulator.stop();
  });
});

describe("stop", () => {
  it("closes the server: the endpoint refuses connections afterwards", async () => {
    const emulator = await startEmulator();
    const client = clientFor(emulator.endpoint);
    await client.send(new ListStatementsCommand({}));
    await emulator.stop();
    await expect(client.send(new ListStatementsCommand({}))).rejects.toThrow();
    client.destroy();
  });

  it("starts, serves 100 statements and stops in a child process that then exits by itself", async () => {
    const { stdout } = await run(
      process.execPath,
      [path.resolve("node_modules/jiti/lib/jiti-cli.mjs"), "test/emulator/start-run-stop.ts"],
      {
        timeout: 240_000,
      },
    );
    // How long it took is printed, not asserted: the machine may be busy (benchmarks measure time).
    const timings = JSON.parse(stdout.trim()) as { totalMs: number; failed: number };
    console.info(`emulator start → 100 statements → stop: ${stdout.trim()}`);
    expect(timings.failed).toBe(0);
  });
});
