import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  type RedshiftDataClient,
  ResourceNotFoundException,
  ValidationException,
} from "@aws-sdk/client-redshift-data";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { AS_SUPERUSER, clientFor, waitFor } from "./helpers.js";

/**
 * Injected latency as each statement's duration: a statement executes as soon as it is accepted, and
 * its outcome is shown once its latency has passed. Only lower bounds on a statement's own reported
 * times are asserted; a latency of a minute stands for "not yet", so nothing races the clock.
 */
let emulator: RunningEmulator;
let client: RedshiftDataClient;
const LONG = 60_000;

beforeAll(async () => {
  emulator = await startEmulator();
  client = clientFor(emulator.endpoint);
});

afterAll(async () => {
  client.destroy();
  await emulator.stop();
});

afterEach(() => emulator.setFaults({}));

/**
 * Resolves once every statement accepted before the call has ended its execution: its transactions
 * and its bookkeeping are jobs on the emulator's serial queue, which `query` joins at the back (twice,
 * as a statement queues its bookkeeping only after its transaction ends).
 */
async function executed(): Promise<void> {
  await emulator.query("SELECT 1");
  await emulator.query("SELECT 1");
}

async function submit(sql: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { Id } = await client.send(new ExecuteStatementCommand({ ...AS_SUPERUSER, ...extra, Sql: sql }));
  return Id ?? "";
}

async function tableExists(name: string): Promise<boolean> {
  const rows = await emulator.query(`SELECT to_regclass('public.${name}') IS NOT NULL AS found`);
  return rows[0]?.found === true;
}

const elapsedMs = (described: { CreatedAt?: Date | undefined; UpdatedAt?: Date | undefined }): number =>
  (described.UpdatedAt?.getTime() ?? 0) - (described.CreatedAt?.getTime() ?? 0);

describe("injected latency", () => {
  it("gives each of twenty concurrent statements the latency as its duration", async () => {
    const latencyMs = 400;
    emulator.setFaults({ latencyMs });
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, index) => submit(`CREATE TABLE lat_overlap_${index} (a int)`)),
    );
    const { Id: batch } = await client.send(
      new BatchExecuteStatementCommand({ ...AS_SUPERUSER, Sqls: ["SELECT 1", "SELECT 2 AS two"] }),
    );
    const failing = await submit("SELECT * FROM lat_no_such_table");
    for (const id of ids) {
      const described = await waitFor(client, id);
      expect(described.Status).toBe("FINISHED");
      expect(elapsedMs(described)).toBeGreaterThanOrEqual(latencyMs);
      expect(described.Duration).toBeGreaterThanOrEqual(latencyMs * 1e6);
    }
    const batched = await waitFor(client, batch);
    expect(batched.Status).toBe("FINISHED");
    expect(elapsedMs(batched)).toBeGreaterThanOrEqual(latencyMs);
    expect(batched.Duration).toBeGreaterThanOrEqual(latencyMs * 1e6);
    expect(batched.SubStatements?.map((part) => part.Status)).toEqual(["FINISHED", "FINISHED"]);
    // Its sub-statements are shown with it, ended in their order, as they ran.
    const ends = [...(batched.SubStatements ?? []), batched].map((part) => part.UpdatedAt?.getTime() ?? 0);
    expect(ends).toEqual([...ends].sort((a, b) => a - b));
    const failed = await waitFor(client, failing);
    expect(failed.Status).toBe("FAILED");
    expect(failed.Error).toContain("lat_no_such_table");
    expect(elapsedMs(failed)).toBeGreaterThanOrEqual(latencyMs);
  });

  it("executes statements at once, one after another, while each still shows STARTED", async () => {
    emulator.setFaults({ latencyMs: LONG });
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, index) => submit(`CREATE TABLE lat_at_once_${index} (a int)`)),
    );
    await executed();
    for (let index = 0; index < 20; index++) expect(await tableExists(`lat_at_once_${index}`)).toBe(true);
    for (const id of ids) {
      expect(await client.send(new DescribeStatementCommand({ Id: id }))).toMatchObject({
        Status: "STARTED",
        Duration: -1,
        ResultRows: -1,
        HasResultSet: false,
      });
    }
    const listed = await client.send(new ListStatementsCommand({ Status: "STARTED", MaxResults: 100 }));
    expect(listed.Statements?.map((statement) => statement.Id)).toEqual(expect.arrayContaining(ids));
    // Their work is committed: a cancel finds them ended, and shows them as they ended.
    for (const id of ids) await client.send(new CancelStatementCommand({ Id: id })).catch(() => undefined);
    for (const id of ids) {
      const described = await client.send(new DescribeStatementCommand({ Id: id }));
      expect(described.Status).toBe("FINISHED");
      expect(elapsedMs(described)).toBeLessThan(LONG);
    }
  });

  it("hides a statement's outcome, error and result until it is shown", async () => {
    emulator.setFaults({ latencyMs: LONG });
    const failing = await submit("SELECT * FROM lat_hidden_missing");
    const selecting = await submit("SELECT 42 AS answer");
    const { Id: batch } = await client.send(
      new BatchExecuteStatementCommand({
        ...AS_SUPERUSER,
        Sqls: ["SELECT 1", "SELECT * FROM lat_hidden_missing"],
      }),
    );
    await executed();
    const hidden = await client.send(new DescribeStatementCommand({ Id: failing }));
    expect(hidden.Status).toBe("STARTED");
    expect(hidden.Error).toBeUndefined();
    await expect(client.send(new GetStatementResultCommand({ Id: selecting }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    const batchHidden = await client.send(new DescribeStatementCommand({ Id: batch }));
    expect(batchHidden.Status).toBe("STARTED");
    expect(batchHidden.SubStatements?.map((part) => part.Status)).toEqual(["SUBMITTED", "SUBMITTED"]);

    for (const [id, status] of [
      [failing, "FAILED"],
      [selecting, "FINISHED"],
      [batch, "FAILED"],
    ] as const) {
      const refused = await client
        .send(new CancelStatementCommand({ Id: id }))
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ValidationException);
      expect((refused as Error).message).toContain(`already in ${status} state`);
    }
    expect((await client.send(new DescribeStatementCommand({ Id: failing }))).Error).toContain(
      "lat_hidden_missing",
    );
    const result = await client.send(new GetStatementResultCommand({ Id: selecting }));
    expect(result.Records).toEqual([[{ longValue: 42 }]]);
    const batchShown = await client.send(new DescribeStatementCommand({ Id: batch }));
    expect(batchShown.SubStatements?.map((part) => part.Status)).toEqual(["FINISHED", "FAILED"]);
  });

  it("aborts a statement cancelled before it ran, and runs nothing of it", async () => {
    let release: () => void = () => undefined;
    emulator.setFaults({
      latencyMs: LONG,
      onStatement: () => new Promise<void>((resolve) => (release = resolve)),
    });
    const id = await submit("CREATE TABLE lat_cancelled (a int)");
    expect(await client.send(new CancelStatementCommand({ Id: id }))).toMatchObject({ Status: true });
    release();
    await executed();
    expect(await tableExists("lat_cancelled")).toBe(false);
    expect(await client.send(new DescribeStatementCommand({ Id: id }))).toMatchObject({
      Status: "ABORTED",
      Error: "ERROR: Query cancelled on user's request",
    });
  });

  it("keeps a session busy until its statement's outcome is shown", async () => {
    emulator.setFaults({ latencyMs: LONG });
    const first = await client.send(
      new ExecuteStatementCommand({
        ...AS_SUPERUSER,
        SessionKeepAliveSeconds: 60,
        Sql: "CREATE TEMP TABLE lat_session (a int)",
      }),
    );
    await executed();
    const busy = await client
      .send(
        new ExecuteStatementCommand({ SessionId: first.SessionId, Sql: "SELECT count(*) FROM lat_session" }),
      )
      .catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(ValidationException);
    expect((busy as Error).message).toContain(`busy running statement ${first.Id}`);
    await client.send(new CancelStatementCommand({ Id: first.Id })).catch(() => undefined);
    emulator.setFaults({});
    const { Id } = await client.send(
      new ExecuteStatementCommand({ SessionId: first.SessionId, Sql: "SELECT count(*) FROM lat_session" }),
    );
    expect((await waitFor(client, Id)).Status).toBe("FINISHED");
  });
});

describe("injected latency when the emulator stops", () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "redshift-views-latency-"));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("shows what a statement whose latency was not up did, never ABORTED", async () => {
    const first = await startEmulator({ dataDir, faults: { latencyMs: LONG } });
    const firstClient = clientFor(first.endpoint);
    const { Id } = await firstClient.send(
      new ExecuteStatementCommand({ ...AS_SUPERUSER, Sql: "CREATE TABLE lat_stopped (a int)" }),
    );
    await first.query("SELECT 1");
    await first.query("SELECT 1");
    firstClient.destroy();
    await first.stop();

    const second = await startEmulator({ dataDir });
    const secondClient = clientFor(second.endpoint);
    try {
      expect((await secondClient.send(new DescribeStatementCommand({ Id }))).Status).toBe("FINISHED");
      expect(await second.query("SELECT to_regclass('public.lat_stopped') IS NOT NULL AS found")).toEqual([
        { found: true },
      ]);
    } finally {
      secondClient.destroy();
      await second.stop();
    }
  });
});
