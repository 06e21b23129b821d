import {
  ActiveStatementsExceededException,
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  type RedshiftDataClient,
  RedshiftDataServiceException,
  ResourceNotFoundException,
  ValidationException,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, sqlStateOf, startEmulator } from "../../src/emulator/index.js";
import { AS_SUPERUSER, clientFor, waitFor } from "./helpers.js";

let emulator: RunningEmulator;
let client: RedshiftDataClient;
const connection = AS_SUPERUSER;

beforeAll(async () => {
  emulator = await startEmulator({ maxActiveStatements: 5 });
  client = clientFor(emulator.endpoint);
});

afterAll(async () => {
  client.destroy();
  await emulator.stop();
});

async function run(sql: string, name?: string) {
  const { Id } = await client.send(
    new ExecuteStatementCommand({
      ...connection,
      Sql: sql,
      ...(name === undefined ? {} : { StatementName: name }),
    }),
  );
  return waitFor(client, Id);
}

describe("statements through the real SDK client", () => {
  it("runs a statement asynchronously and returns typed records", async () => {
    const submitted = await client.send(
      new ExecuteStatementCommand({
        ...connection,
        Sql: "SELECT 1::int AS i, 12345678901::bigint AS big, 1.5::float8 AS f, 2.50::numeric(5,2) AS n, true AS b, NULL::text AS nothing, 'x' AS s, '2024-01-02 03:04:05'::timestamp AS ts, :who AS who",
        Parameters: [{ name: "who", value: "ada" }],
      }),
    );
    expect(submitted.Id).toMatch(/^[0-9a-f-]{36}$/);
    expect(submitted.CreatedAt).toBeInstanceOf(Date);
    const described = await waitFor(client, submitted.Id);
    expect(described).toMatchObject({
      Status: "FINISHED",
      HasResultSet: true,
      ResultRows: 1,
      Database: "dev",
    });
    expect(described.Duration).toBeGreaterThan(0);
    expect(described.UpdatedAt?.getTime()).toBeGreaterThanOrEqual(described.CreatedAt?.getTime() ?? 0);
    const result = await client.send(new GetStatementResultCommand({ Id: submitted.Id }));
    expect(result.TotalNumRows).toBe(1);
    expect(result.ColumnMetadata?.map((column) => [column.name, column.typeName])).toEqual([
      ["i", "int4"],
      ["big", "int8"],
      ["f", "float8"],
      ["n", "numeric"],
      ["b", "bool"],
      ["nothing", "text"],
      ["s", "text"],
      ["ts", "timestamp"],
      ["who", "text"],
    ]);
    expect(result.Records).toEqual([
      [
        { longValue: 1 },
        { longValue: 12345678901 },
        { doubleValue: 1.5 },
        { stringValue: "2.50" },
        { booleanValue: true },
        { isNull: true },
        { stringValue: "x" },
        { stringValue: "2024-01-02 03:04:05" },
        { stringValue: "ada" },
      ],
    ]);
  });

  it("reports failures with Redshift-like text and the SQLSTATE", async () => {
    const described = await run("SELECT * FROM nowhere.missing");
    expect(described.Status).toBe("FAILED");
    expect(described.Error).toMatch(/^ERROR: relation "nowhere.missing" does not exist/);
    expect(sqlStateOf(described.Error ?? "")).toBe("42P01");
    await expect(client.send(new GetStatementResultCommand({ Id: described.Id }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(
      client.send(new DescribeStatementCommand({ Id: "00000000-0000-4000-8000-000000000000" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    // Not an id at all: the service model's pattern refuses it before any lookup.
    await expect(client.send(new DescribeStatementCommand({ Id: "no-such-id" }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it("runs a batch as one transaction: a failing third statement leaves nothing applied", async () => {
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({
        ...connection,
        StatementName: "batch-atomic",
        Sqls: [
          "CREATE TABLE public.batch_probe (id int)",
          "INSERT INTO public.batch_probe VALUES (1)",
          "INSERT INTO public.batch_probe VALUES ('not a number')",
          "INSERT INTO public.batch_probe VALUES (2)",
        ],
      }),
    );
    const described = await waitFor(client, Id);
    expect(described.Status).toBe("FAILED");
    expect(described.Error).toContain("invalid input syntax for type integer");
    expect(described.SubStatements?.map((sub) => [sub.Id, sub.Status])).toEqual([
      [`${Id}:1`, "FINISHED"],
      [`${Id}:2`, "FINISHED"],
      [`${Id}:3`, "FAILED"],
      [`${Id}:4`, "ABORTED"],
    ]);
    expect(sqlStateOf(described.SubStatements?.[2]?.Error ?? "")).toBe("22P02");
    expect(await emulator.query("SELECT to_regclass('public.batch_probe') AS t")).toEqual([{ t: null }]);
  });

  it("runs a batch's consecutive comments as it runs any statements: the failing one is the one reported", async () => {
    await run("CREATE TABLE public.comment_probe (a int, b int)");
    const comments = (column: string, text: string) =>
      `COMMENT ON COLUMN public.comment_probe.${column} IS '${text}'`;
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({
        ...connection,
        Sqls: [
          comments("a", "first"),
          comments("b", "second"),
          comments("missing", "third"),
          comments("a", "fourth"),
        ],
      }),
    );
    const failed = await waitFor(client, Id);
    expect(failed.Status).toBe("FAILED");
    expect(failed.SubStatements?.map((sub) => sub.Status)).toEqual([
      "FINISHED",
      "FINISHED",
      "FAILED",
      "ABORTED",
    ]);
    expect(failed.SubStatements?.[2]?.Error).toContain(
      'column "missing" of relation "public.comment_probe" does not exist',
    );
    expect(sqlStateOf(failed.SubStatements?.[2]?.Error ?? "")).toBe("42703");
    const described = () =>
      emulator.query(
        "SELECT col_description('public.comment_probe'::regclass, 1) AS a, col_description('public.comment_probe'::regclass, 2) AS b",
      );
    expect(await described()).toEqual([{ a: null, b: null }]);
    const { Id: okId } = await client.send(
      new BatchExecuteStatementCommand({
        ...connection,
        Sqls: [comments("a", "first"), comments("b", "second")],
      }),
    );
    const ok = await waitFor(client, okId);
    expect(ok.SubStatements?.map((sub) => [sub.Status, sub.ResultRows, sub.HasResultSet])).toEqual([
      ["FINISHED", 0, false],
      ["FINISHED", 0, false],
    ]);
    expect(await described()).toEqual([{ a: "first", b: "second" }]);
  });

  it("runs several statements of one ExecuteStatement together, or none of them", async () => {
    const described = await run(
      "CREATE TABLE public.multi_probe (id int); SELECT * FROM public.missing_table",
    );
    expect(described.Status).toBe("FAILED");
    expect(await emulator.query("SELECT to_regclass('public.multi_probe') AS t")).toEqual([{ t: null }]);
  });

  it("runs a successful batch and serves each sub-statement's result", async () => {
    const { Id } = await client.send(
      new BatchExecuteStatementCommand({
        ...connection,
        Sqls: [
          "CREATE TABLE public.batch_ok (id int)",
          "INSERT INTO public.batch_ok VALUES (1), (2)",
          "SELECT id FROM public.batch_ok ORDER BY id",
        ],
      }),
    );
    const described = await waitFor(client, Id);
    expect(described.Status).toBe("FINISHED");
    expect(described.SubStatements?.map((sub) => sub.ResultRows)).toEqual([0, 2, 2]);
    const result = await client.send(new GetStatementResultCommand({ Id: `${Id}:3` }));
    expect(result.Records).toEqual([[{ longValue: 1 }], [{ longValue: 2 }]]);
    await expect(client.send(new GetStatementResultCommand({ Id }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it("lists statements newest first, filtered by name prefix and status, with pagination", async () => {
    await run("SELECT 1", "listing-ok-1");
    await run("SELECT 2", "listing-ok-2");
    await run("SELECT nope FROM nothing_here", "listing-bad");
    await run("SELECT 3", "other-name");
    const byPrefix = await client.send(
      new ListStatementsCommand({ StatementName: "listing-", Status: "ALL" }),
    );
    expect(byPrefix.Statements?.map((statement) => statement.StatementName)).toEqual([
      "listing-bad",
      "listing-ok-2",
      "listing-ok-1",
    ]);
    // "By default, only finished statements are shown."
    const byDefault = await client.send(new ListStatementsCommand({ StatementName: "listing-" }));
    expect(byDefault.Statements?.map((statement) => statement.StatementName)).toEqual([
      "listing-ok-2",
      "listing-ok-1",
    ]);
    const failed = await client.send(
      new ListStatementsCommand({ StatementName: "listing-", Status: "FAILED" }),
    );
    expect(failed.Statements?.map((statement) => statement.StatementName)).toEqual(["listing-bad"]);
    const firstPage = await client.send(
      new ListStatementsCommand({ StatementName: "listing-", Status: "ALL", MaxResults: 2 }),
    );
    expect(firstPage.Statements).toHaveLength(2);
    expect(firstPage.NextToken).toBeDefined();
    const secondPage = await client.send(
      new ListStatementsCommand({
        StatementName: "listing-",
        Status: "ALL",
        MaxResults: 2,
        NextToken: firstPage.NextToken,
      }),
    );
    expect(secondPage.Statements?.map((statement) => statement.StatementName)).toEqual(["listing-ok-1"]);
    expect(secondPage.NextToken).toBeUndefined();
    const batches = await client.send(
      new ListStatementsCommand({ StatementName: "batch-atomic", Status: "ALL" }),
    );
    expect(batches.Statements?.[0]).toMatchObject({ IsBatchStatement: true, Status: "FAILED" });
    expect(batches.Statements?.[0]?.QueryStrings).toHaveLength(4);
  });
});

describe("limits", () => {
  it("rejects batches of more than 40 statements", async () => {
    const error = await client
      .send(
        new BatchExecuteStatementCommand({
          ...connection,
          Sqls: Array.from({ length: 41 }, () => "SELECT 1"),
        }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toContain("less than or equal to 40");
  });

  it("rejects statements over 100 KB", async () => {
    const sql = `SELECT '${"x".repeat(100 * 1024)}'`;
    await expect(
      client.send(new ExecuteStatementCommand({ ...connection, Sql: sql })),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(
      client.send(new BatchExecuteStatementCommand({ ...connection, Sqls: ["SELECT 1", sql] })),
    ).rejects.toBeInstanceOf(ValidationException);
  });

  it("caps active statements", async () => {
    // Held by the statement hook, the five stay active for as long as the test needs, however slowly
    // the machine submits them (a latency could run out between two submissions).
    const release: (() => void)[] = [];
    emulator.setFaults({ onStatement: () => new Promise<void>((resolve) => release.push(resolve)) });
    try {
      const ids: (string | undefined)[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await client.send(new ExecuteStatementCommand({ ...connection, Sql: `SELECT ${i}` }))).Id);
      }
      await expect(
        client.send(new ExecuteStatementCommand({ ...connection, Sql: "SELECT 6" })),
      ).rejects.toBeInstanceOf(ActiveStatementsExceededException);
      expect((await client.send(new DescribeStatementCommand({ Id: ids[1] }))).Status).toBe("SUBMITTED");
      expect((await client.send(new CancelStatementCommand({ Id: ids[0] }))).Status).toBe(true);
      const cancelled = await waitFor(client, ids[0]);
      expect(cancelled.Status).toBe("ABORTED");
      for (const resolve of release) resolve();
      for (const id of ids.slice(1)) expect((await waitFor(client, id)).Status).toBe("FINISHED");
      await expect(client.send(new CancelStatementCommand({ Id: ids[1] }))).rejects.toBeInstanceOf(
        ValidationException,
      );
    } finally {
      for (const resolve of release) resolve();
      emulator.setFaults({});
    }
  });
});

describe("fault injection", () => {
  it("throttles with ThrottlingException (HTTP 400)", async () => {
    emulator.setFaults({ throttleRate: 1 });
    emulator.resetStats();
    try {
      const error = await client
        .send(new ExecuteStatementCommand({ ...connection, Sql: "SELECT 1" }))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RedshiftDataServiceException);
      expect((error as RedshiftDataServiceException).name).toBe("ThrottlingException");
      expect((error as RedshiftDataServiceException).$metadata.httpStatusCode).toBe(400);
      expect(emulator.stats.throttled).toBe(1);
      expect(emulator.stats.statementsSubmitted).toBe(0);
    } finally {
      emulator.setFaults({});
    }
  });

  it("throttles a share of requests, reproducibly by seed", async () => {
    const throttledOf = async (): Promise<boolean[]> => {
      emulator.setFaults({ throttleRate: 0.5, seed: 42 });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 20; i++) {
        outcomes.push(
          await client.send(new ListStatementsCommand({ MaxResults: 1 })).then(
            () => false,
            () => true,
          ),
        );
      }
      return outcomes;
    };
    const first = await throttledOf();
    const second = await throttledOf();
    emulator.setFaults({});
    expect(first).toEqual(second);
    expect(first.filter(Boolean).length).toBeGreaterThan(3);
    expect(first.filter(Boolean).length).toBeLessThan(17);
  });

  it("fails statements matching the fail pattern, and whole batches containing one", async () => {
    emulator.setFaults({ failPattern: /boom_table/ });
    try {
      const single = await run("CREATE TABLE public.boom_table (id int)");
      expect(single.Status).toBe("FAILED");
      expect(sqlStateOf(single.Error ?? "")).toBe("XX000");
      const { Id } = await client.send(
        new BatchExecuteStatementCommand({
          ...connection,
          Sqls: ["CREATE TABLE public.fine_table (id int)", "DROP TABLE IF EXISTS public.boom_table"],
        }),
      );
      expect((await waitFor(client, Id)).Status).toBe("FAILED");
      expect(await emulator.query("SELECT to_regclass('public.fine_table') AS t")).toEqual([{ t: null }]);
      expect(emulator.stats.injectedFailures).toBeGreaterThanOrEqual(2);
    } finally {
      emulator.setFaults({});
    }
  });

  it("delays completion with latency and answers polls slowly with pollDelayMs", async () => {
    // Only lower bounds: a busy machine makes everything slower, never faster. That the statement
    // waited before it ran is read from its own times, not from when a poll happened to look.
    emulator.setFaults({ latencyMs: 150, pollDelayMs: 50 });
    try {
      const started = Date.now();
      const { Id } = await client.send(new ExecuteStatementCommand({ ...connection, Sql: "SELECT 1" }));
      const polled = Date.now();
      await client.send(new DescribeStatementCommand({ Id }));
      expect(Date.now() - polled).toBeGreaterThanOrEqual(50);
      const finished = await waitFor(client, Id);
      expect(finished.Status).toBe("FINISHED");
      expect((finished.UpdatedAt?.getTime() ?? 0) - started).toBeGreaterThanOrEqual(150);
    } finally {
      emulator.setFaults({});
    }
  });

  it("counts operations", async () => {
    emulator.resetStats();
    await run("SELECT 1");
    expect(emulator.stats.operations.ExecuteStatement).toBe(1);
    expect(emulator.stats.operations.DescribeStatement).toBeGreaterThanOrEqual(1);
    expect(emulator.stats.statementsSubmitted).toBe(1);
  });

  it("fails statements that name another database", async () => {
    const { Id } = await client.send(
      new ExecuteStatementCommand({ ...connection, Database: "other", Sql: "SELECT 1" }),
    );
    const described = await waitFor(client, Id);
    expect(described.Status).toBe("FAILED");
    expect(described.Error).toContain('database "other" does not exist');
  });
});
