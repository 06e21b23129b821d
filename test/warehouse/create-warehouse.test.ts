import {
  ActiveStatementsExceededException,
  BatchExecuteStatementCommand,
  type BatchExecuteStatementCommandInput,
  DescribeStatementCommand,
  type DescribeStatementCommandInput,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  GetStatementResultCommand,
  ListStatementsCommand,
} from "@aws-sdk/client-redshift-data";
import { describe, expect, it } from "vitest";
import { RedshiftViewsError } from "../../src/errors.js";
import { statementName } from "../../src/warehouse/index.js";
import { awsError, CLIENT_NOW, CLUSTER, SECRET, SERVERLESS, setup } from "./fixtures.js";

async function rejection(promise: Promise<unknown>): Promise<RedshiftViewsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RedshiftViewsError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("execute", () => {
  it("polls with growing backoff until FINISHED", async () => {
    const { mock, warehouse, sleeps, events } = setup();
    mock.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    mock
      .on(DescribeStatementCommand)
      .resolvesOnce({ Id: "s1", Status: "SUBMITTED" })
      .resolvesOnce({ Id: "s1", Status: "PICKED" })
      .resolvesOnce({ Id: "s1", Status: "STARTED" })
      .resolvesOnce({ Id: "s1", Status: "STARTED" })
      .resolvesOnce({ Id: "s1", Status: "STARTED" })
      .resolvesOnce({ Id: "s1", Status: "STARTED" })
      .resolves({
        Id: "s1",
        Status: "FINISHED",
        CreatedAt: new Date("2026-12-01T09:59:58.000Z"),
        Duration: 2_500_000_000,
        HasResultSet: false,
        ResultRows: -1,
      });

    const name = statementName("production", "create", "analytics_production.users");
    const outcome = await warehouse.execute("CREATE TABLE t (id int)", { name });

    expect(outcome).toEqual({
      kind: "finished",
      id: "s1",
      name,
      // The server's time of submission.
      submittedAt: new Date("2026-12-01T09:59:58.000Z"),
      durationMs: 2500,
      hasResultSet: false,
      resultRows: -1,
    });
    // ~100 ms first, growing by 1.5× and capped at 500 ms: completion is noticed within 1 s and no
    // statement is polled more than twice a second after that.
    expect(sleeps).toEqual([250, 500, 500, 500, 500, 500, 500]);
    // Never more than two polls a second, and an end is noticed within half a second.
    expect(Math.min(...sleeps)).toBeGreaterThanOrEqual(250);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(500);
    expect(warehouse.stats.calls).toEqual({ ExecuteStatement: 1, DescribeStatement: 7 });
    expect(mock.commandCalls(ExecuteStatementCommand)[0]?.args[0].input).toMatchObject({
      Sql: "CREATE TABLE t (id int)",
      StatementName: name,
    });
    expect(events[0]).toEqual({
      kind: "submitted",
      id: "s1",
      name,
      statements: 1,
      sqls: ["CREATE TABLE t (id int)"],
    });
    expect(events.at(-1)).toEqual({ kind: "completed", outcome });
  });

  it("honours custom poll options", async () => {
    const { mock, warehouse, sleeps } = setup({ poll: { initialDelayMs: 50, maxDelayMs: 60, factor: 2 } });
    mock.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    mock
      .on(DescribeStatementCommand)
      .resolvesOnce({ Id: "s1", Status: "STARTED" })
      .resolvesOnce({ Id: "s1", Status: "STARTED" })
      .resolves({ Id: "s1", Status: "FINISHED" });
    await warehouse.execute("SELECT 1");
    expect(sleeps).toEqual([50, 60, 60]);
  });

  it("returns a failed statement as a result, with the server's message and the SQL", async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    mock.on(DescribeStatementCommand).resolves({
      Id: "s1",
      Status: "FAILED",
      Error: 'ERROR: relation "users" does not exist',
      Duration: 1_000_000,
    });
    expect(await warehouse.execute("SELECT * FROM users")).toEqual({
      kind: "failed",
      id: "s1",
      // No CreatedAt from the server: the client's clock at submission.
      submittedAt: CLIENT_NOW,
      error: 'ERROR: relation "users" does not exist',
      failedSql: "SELECT * FROM users",
      durationMs: 1,
    });
  });

  it("returns an aborted statement as a result", async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    mock.on(DescribeStatementCommand).resolves({ Id: "s1", Status: "ABORTED" });
    expect(await warehouse.execute("SELECT 1", { name: "n" })).toEqual({
      kind: "aborted",
      id: "s1",
      name: "n",
      submittedAt: CLIENT_NOW,
    });
  });

  it("gives up waiting after the poll timeout", async () => {
    let clock = 0;
    const { mock, warehouse } = setup({
      poll: { timeoutMs: 1000 },
      sleep: async (ms) => {
        clock += ms;
      },
      now: () => clock,
    });
    mock.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    mock.on(DescribeStatementCommand).resolves({ Id: "s1", Status: "STARTED" });
    const error = await rejection(warehouse.execute("SELECT pg_sleep(100)"));
    expect(error.code).toBe("E_STATEMENT_TIMEOUT");
    expect(error.hint).toContain("cancel-statement --id s1");
  });

  it("stops when the signal is aborted", async () => {
    const controller = new AbortController();
    const { mock, warehouse } = setup({ signal: controller.signal });
    mock.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    mock.on(DescribeStatementCommand).callsFake(() => {
      controller.abort();
      return { Id: "s1", Status: "STARTED" };
    });
    expect((await rejection(warehouse.execute("SELECT 1"))).code).toBe("E_INTERRUPTED");
    expect((await rejection(warehouse.execute("SELECT 2"))).code).toBe("E_INTERRUPTED");
    expect(mock.commandCalls(ExecuteStatementCommand)).toHaveLength(1);
  });
});

describe("executeBatch", () => {
  it("submits one BatchExecuteStatement and reports the failing sub-statement", async () => {
    const { mock, warehouse } = setup();
    const sqls = [
      'DROP MATERIALIZED VIEW IF EXISTS "a"."users"',
      'CREATE MATERIALIZED VIEW "a"."users" AS SELECT "nope" FROM "src"."users"',
      'COMMENT ON COLUMN "a"."users"."id" IS \'x\'',
    ];
    mock.on(BatchExecuteStatementCommand).resolves({ Id: "b1" });
    mock.on(DescribeStatementCommand).resolves({
      Id: "b1",
      Status: "FAILED",
      Error: 'Query #2 failed with ERROR: column "nope" does not exist',
      SubStatements: [
        { Id: "b1:1", Status: "FINISHED", QueryString: sqls[0] },
        { Id: "b1:2", Status: "FAILED", QueryString: sqls[1], Error: 'ERROR: column "nope" does not exist' },
        { Id: "b1:3", Status: "ABORTED", QueryString: sqls[2] },
      ],
    });
    const outcome = await warehouse.executeBatch(sqls, { name: "redshift-views:production:create:a.users" });
    expect(outcome).toEqual({
      kind: "failed",
      id: "b1",
      name: "redshift-views:production:create:a.users",
      submittedAt: CLIENT_NOW,
      error: 'ERROR: column "nope" does not exist',
      failedSql: sqls[1],
      subStatementIndex: 1,
    });
    expect(mock.commandCalls(BatchExecuteStatementCommand)[0]?.args[0].input.Sqls).toEqual(sqls);
    expect(mock.commandCalls(ExecuteStatementCommand)).toHaveLength(0);
  });

  it("finds the failing statement from the sub-statement id when the server omits its text", async () => {
    const { mock, warehouse } = setup();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: "b1" });
    mock.on(DescribeStatementCommand).resolves({
      Id: "b1",
      Status: "FAILED",
      Error: "boom",
      SubStatements: [
        { Id: "b1:1", Status: "FINISHED" },
        { Id: "b1:2", Status: "FINISHED" },
        { Id: "b1:3", Status: "FAILED" },
      ],
    });
    expect(await warehouse.executeBatch(["a", "b", "c"])).toMatchObject({
      failedSql: "c",
      subStatementIndex: 2,
      error: "boom",
    });
  });

  it("refuses batches over 40 statements and statements over 100 KB before sending", async () => {
    const { mock, warehouse } = setup();
    expect((await rejection(warehouse.executeBatch(Array.from({ length: 41 }, () => "SELECT 1")))).code).toBe(
      "E_BATCH_TOO_LARGE",
    );
    expect((await rejection(warehouse.execute(`SELECT '${"x".repeat(102_400)}'`))).code).toBe(
      "E_STATEMENT_TOO_LARGE",
    );
    expect(mock.calls()).toHaveLength(0);
  });
});

describe("retries", () => {
  it("retries throttling with exponential backoff and jitter, reusing the idempotency token", async () => {
    const { mock, warehouse, sleeps, events } = setup({ random: () => 0 });
    mock
      .on(ExecuteStatementCommand)
      .rejectsOnce(awsError("ThrottlingException", "Rate exceeded"))
      .rejectsOnce(
        new ActiveStatementsExceededException({ message: "Active statements exceeded", $metadata: {} }),
      )
      .resolves({ Id: "s1" });
    mock
      .on(DescribeStatementCommand)
      .rejectsOnce(awsError("ThrottlingException", "Rate exceeded"))
      .rejectsOnce(awsError("InternalServerException", "oops", 500))
      .resolves({ Id: "s1", Status: "FINISHED" });

    expect((await warehouse.execute("SELECT 1")).kind).toBe("finished");
    // random() = 0 → half of each ceiling (200 ms, 400 ms, …); each call backs off on its own.
    // submit: retry, retry; poll: 250 ms wait, then describe: retry, retry.
    expect(sleeps).toEqual([100, 200, 250, 100, 200]);
    expect(warehouse.stats.calls).toEqual({ ExecuteStatement: 3, DescribeStatement: 3 });
    const tokens = mock.commandCalls(ExecuteStatementCommand).map((call) => call.args[0].input.ClientToken);
    expect(tokens).toEqual(["token-1", "token-1", "token-1"]);
    expect(events.filter((event) => (event as { kind: string }).kind === "retrying")).toHaveLength(4);
  });

  it("retries network resets", async () => {
    const { mock, warehouse } = setup();
    mock
      .on(ExecuteStatementCommand)
      .rejectsOnce(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
      .resolves({ Id: "s1" });
    mock.on(DescribeStatementCommand).resolves({ Id: "s1", Status: "FINISHED" });
    expect((await warehouse.execute("SELECT 1")).kind).toBe("finished");
  });

  it("gives up after the attempt limit with E_WAREHOUSE_THROTTLED", async () => {
    const { mock, warehouse, sleeps } = setup({
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 },
    });
    mock.on(BatchExecuteStatementCommand).rejects(awsError("ThrottlingException", "Rate exceeded"));
    const error = await rejection(warehouse.executeBatch(["SELECT 1"]));
    expect(error.code).toBe("E_WAREHOUSE_THROTTLED");
    expect(error.message).toBe(
      'Data API BatchExecuteStatement for environment "production" failed (after 4 attempts): ThrottlingException: Rate exceeded',
    );
    expect(error.hint).toContain("concurrency");
    expect(warehouse.stats.calls.BatchExecuteStatement).toBe(4);
    // Ceilings 100, 200, 300 (capped), jitter 0.5 → three-quarters of each.
    expect(sleeps).toEqual([75, 150, 225]);
  });

  it("does not retry errors that will not go away", async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).rejects(awsError("ValidationException", "Database name is invalid"));
    const error = await rejection(warehouse.execute("SELECT 1"));
    expect(error.code).toBe("E_WAREHOUSE_VALIDATION");
    expect(warehouse.stats.calls.ExecuteStatement).toBe(1);
  });
});

describe("errors", () => {
  it.each([
    ["CredentialsProviderError", "Could not load credentials from any providers"],
    ["ExpiredTokenException", "The security token included in the request is expired"],
    ["UnrecognizedClientException", "The security token included in the request is invalid."],
    [
      "AccessDeniedException",
      "User: arn:aws:iam::1:user/x is not authorized to perform: redshift-data:ExecuteStatement",
    ],
  ])("maps %s to E_WAREHOUSE_AUTH with a hint", async (name, message) => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).rejects(awsError(name, message, 403));
    const error = await rejection(warehouse.execute("SELECT 1"));
    expect(error.code).toBe("E_WAREHOUSE_AUTH");
    expect(error.hint).toContain("AWS_PROFILE");
    expect(error.hint).toContain('redshift:GetClusterCredentials for database user "deployer"');
    expect(warehouse.stats.calls.ExecuteStatement).toBe(1);
  });

  it("maps ExecuteStatementException to E_WAREHOUSE_UNAVAILABLE by its name, whatever its text, without retrying", async () => {
    const { mock, warehouse } = setup();
    mock
      .on(ExecuteStatementCommand)
      .rejects(
        awsError(
          "ExecuteStatementException",
          "User is not authorized to perform redshift:GetClusterCredentials",
        ),
      );
    const error = await rejection(warehouse.execute("SELECT 1"));
    expect(error.code).toBe("E_WAREHOUSE_UNAVAILABLE");
    expect(error.message).toContain("redshift:GetClusterCredentials");
    expect(warehouse.stats.calls.ExecuteStatement).toBe(1);
  });

  it("points at secretsmanager for a secret-based target", async () => {
    const { mock, warehouse } = setup({ target: SERVERLESS });
    mock.on(ExecuteStatementCommand).rejects(awsError("AccessDeniedException", "denied", 403));
    expect((await rejection(warehouse.execute("SELECT 1"))).hint).toContain("secretsmanager:GetSecretValue");
  });

  it("never puts credentials in messages", async () => {
    const { mock, warehouse } = setup();
    mock
      .on(ExecuteStatementCommand)
      .rejects(
        awsError(
          "InvalidSignatureException",
          "Signature mismatch for Credential=AKIAIOSFODNN7EXAMPLE/20240101/eu-west-1 Signature=abcdef\nCanonical string...",
        ),
      );
    const error = await rejection(warehouse.execute("SELECT 1"));
    expect(error.code).toBe("E_WAREHOUSE_AUTH");
    expect(`${error.message}${error.hint}`).not.toMatch(/AKIAIOSFODNN7EXAMPLE|abcdef|Canonical/);
  });

  it("maps an unknown cluster to E_WAREHOUSE_NOT_FOUND naming where to fix it", async () => {
    const { mock, warehouse } = setup();
    mock
      .on(ExecuteStatementCommand)
      .rejects(awsError("ResourceNotFoundException", "Cluster analytics-prod not found."));
    const error = await rejection(warehouse.execute("SELECT 1"));
    expect(error.code).toBe("E_WAREHOUSE_NOT_FOUND");
    expect(error.hint).toContain("REDSHIFT_CLUSTER_IDENTIFIER");
    expect(error.hint).toContain("eu-west-1");
  });

  it("maps a ValidationException to E_WAREHOUSE_VALIDATION by its name, whatever its text", async () => {
    const { mock, warehouse } = setup();
    mock
      .on(ExecuteStatementCommand)
      .rejects(awsError("ValidationException", "Cluster analytics-prod not found."));
    const error = await rejection(warehouse.execute("SELECT 1"));
    expect(error.code).toBe("E_WAREHOUSE_VALIDATION");
    expect(error.message).toContain("Cluster analytics-prod not found.");
  });

  it("maps unreachable endpoints to E_WAREHOUSE_NETWORK", async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).rejects(
      Object.assign(new Error("getaddrinfo ENOTFOUND redshift-data.xx-east-9.amazonaws.com"), {
        code: "ENOTFOUND",
      }),
    );
    expect((await rejection(warehouse.execute("SELECT 1"))).code).toBe("E_WAREHOUSE_NETWORK");
  });
});

describe("polling statements in flight together", () => {
  it("lists named statements due together with one ListStatements, retried on throttling", async () => {
    const { mock, warehouse, events } = setup({ random: () => 0 });
    let ids = 0;
    mock.on(ExecuteStatementCommand).callsFake(() => ({ Id: `s${++ids}` }));
    mock
      .on(ListStatementsCommand)
      .rejectsOnce(awsError("ThrottlingException", "Rate exceeded"))
      .resolves({
        Statements: [
          { Id: "s2", StatementName: "redshift-views:production:create:b", Status: "FINISHED" },
          { Id: "s1", StatementName: "redshift-views:production:create:a", Status: "FINISHED" },
        ],
      });
    mock
      .on(DescribeStatementCommand)
      .callsFake((input: DescribeStatementCommandInput) => ({ Id: input.Id, Status: "FINISHED" }));

    const outcomes = await Promise.all([
      warehouse.execute("SELECT 1", { name: statementName("production", "create", "a") }),
      warehouse.execute("SELECT 2", { name: statementName("production", "create", "b") }),
    ]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(["finished", "finished"]);
    // One tick: the list (throttled once, retried), then each ended statement described for its detail.
    expect(warehouse.stats.calls).toEqual({ ExecuteStatement: 2, ListStatements: 2, DescribeStatement: 2 });
    expect(mock.commandCalls(ListStatementsCommand)[0]?.args[0].input).toMatchObject({
      StatementName: "redshift-views:production:create:",
      Status: "ALL",
      MaxResults: 12,
      ClusterIdentifier: "analytics-prod",
      Database: "analytics",
    });
    expect(events).toContainEqual(expect.objectContaining({ kind: "retrying", operation: "ListStatements" }));
    expect(events).toContainEqual({
      kind: "polled",
      id: "s1",
      status: "FINISHED",
      sentAt: expect.any(Number),
    });
  });
});

describe("concurrency", () => {
  it("never has more than `concurrency` statements in flight", async () => {
    const { mock, warehouse } = setup({ concurrency: 3, random: Math.random });
    let inFlight = 0;
    let peak = 0;
    let ids = 0;
    const polls = new Map<string, number>();
    const submit = () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      const id = `s${++ids}`;
      polls.set(id, 1 + (ids % 4));
      return { Id: id };
    };
    mock.on(ExecuteStatementCommand).callsFake(submit);
    mock.on(BatchExecuteStatementCommand).callsFake(submit);
    mock.on(DescribeStatementCommand).callsFake(async (input: DescribeStatementCommandInput) => {
      await new Promise((resolve) => setImmediate(resolve));
      const id = input.Id ?? "";
      const left = (polls.get(id) ?? 0) - 1;
      polls.set(id, left);
      if (left > 0) return { Id: id, Status: "STARTED" };
      inFlight--;
      return { Id: id, Status: "FINISHED" };
    });

    const outcomes = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        i % 2 === 0 ? warehouse.execute(`SELECT ${i}`) : warehouse.executeBatch([`SELECT ${i}`, "SELECT 0"]),
      ),
    );
    expect(outcomes.every((outcome) => outcome.kind === "finished")).toBe(true);
    expect(peak).toBe(3);
    expect(inFlight).toBe(0);
  });
});

describe("connection fields", () => {
  it.each([
    [
      "cluster with dbUser",
      CLUSTER,
      { ClusterIdentifier: "analytics-prod", DbUser: "deployer", Database: "analytics" },
    ],
    [
      "serverless with secret",
      SERVERLESS,
      { WorkgroupName: "analytics-staging", SecretArn: SECRET, Database: "analytics" },
    ],
  ] as const)("go into every request (%s)", async (_, target, fields) => {
    const { mock, warehouse } = setup({ target });
    mock.on(ExecuteStatementCommand).resolves({ Id: "s1" });
    mock.on(BatchExecuteStatementCommand).resolves({ Id: "b1" });
    mock.on(DescribeStatementCommand).resolves({ Id: "s1", Status: "FINISHED", HasResultSet: true });
    mock.on(GetStatementResultCommand).resolves({ Records: [], ColumnMetadata: [] });
    mock.on(ListStatementsCommand).resolves({ Statements: [] });
    await warehouse.execute("SELECT 1");
    await warehouse.executeBatch(["SELECT 1"]);
    await warehouse.query("SELECT 1");
    await warehouse.listStatements({ namePrefix: "redshift-views:x:" });

    const submissions = [
      ...mock
        .commandCalls(ExecuteStatementCommand)
        .map((call) => call.args[0].input as ExecuteStatementCommandInput),
      ...mock
        .commandCalls(BatchExecuteStatementCommand)
        .map((call) => call.args[0].input as BatchExecuteStatementCommandInput),
    ];
    expect(submissions).toHaveLength(3);
    for (const input of submissions) {
      const {
        Sql: _sql,
        Sqls: _sqls,
        ClientToken: _token,
        ...connection
      } = input as ExecuteStatementCommandInput & BatchExecuteStatementCommandInput;
      expect(connection).toEqual(fields);
    }
    const list = mock.commandCalls(ListStatementsCommand)[0]?.args[0].input;
    const { SecretArn: _secret, DbUser: _user, ...filter } = fields as Record<string, string>;
    expect(list).toMatchObject(filter);
    expect(list).not.toHaveProperty("SecretArn");
  });
});

describe("query", () => {
  it("pages through GetStatementResult and converts typed fields", async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).resolves({ Id: "q1" });
    mock
      .on(DescribeStatementCommand)
      .resolves({ Id: "q1", Status: "FINISHED", HasResultSet: true, ResultRows: 3 });
    const columns = [
      { name: "schema_name" },
      { name: "n" },
      { name: "ratio" },
      { name: "ok" },
      { name: "remarks" },
      { name: "bytes" },
      { label: "amount" },
    ];
    mock
      .on(GetStatementResultCommand, { Id: "q1" })
      .resolvesOnce({
        ColumnMetadata: columns,
        Records: [
          [
            { stringValue: "analytics" },
            { longValue: 42 },
            { doubleValue: 0.5 },
            { booleanValue: true },
            { isNull: true },
            { blobValue: new Uint8Array([0xca, 0xfe]) },
            { stringValue: "12345678901234567890.01" },
          ],
        ],
        NextToken: "page-2",
      })
      .resolvesOnce({
        ColumnMetadata: columns,
        Records: [
          [
            { stringValue: "pii" },
            { longValue: 0 },
            { doubleValue: -1 },
            { booleanValue: false },
            { stringValue: "sha256=ab" },
            { isNull: true },
            { isNull: true },
          ],
        ],
      });

    expect(await warehouse.query("SELECT ...")).toEqual([
      {
        schema_name: "analytics",
        n: 42,
        ratio: 0.5,
        ok: true,
        remarks: null,
        bytes: "cafe",
        amount: "12345678901234567890.01",
      },
      { schema_name: "pii", n: 0, ratio: -1, ok: false, remarks: "sha256=ab", bytes: null, amount: null },
    ]);
    const pages = mock.commandCalls(GetStatementResultCommand).map((call) => call.args[0].input);
    expect(pages).toEqual([{ Id: "q1" }, { Id: "q1", NextToken: "page-2" }]);
    expect(warehouse.stats.calls.GetStatementResult).toBe(2);
  });

  it("returns no rows for a statement without a result set", async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).resolves({ Id: "q1" });
    mock.on(DescribeStatementCommand).resolves({ Id: "q1", Status: "FINISHED", HasResultSet: false });
    expect(await warehouse.query("SET x = 1")).toEqual([]);
    expect(mock.commandCalls(GetStatementResultCommand)).toHaveLength(0);
  });

  it("throws E_STATEMENT_FAILED with the SQL and the server's message", async () => {
    const { mock, warehouse } = setup();
    mock.on(ExecuteStatementCommand).resolves({ Id: "q1" });
    mock
      .on(DescribeStatementCommand)
      .resolves({ Id: "q1", Status: "FAILED", Error: "ERROR: permission denied for svv_columns" });
    const error = await rejection(warehouse.query("SELECT * FROM svv_columns"));
    expect(error.code).toBe("E_STATEMENT_FAILED");
    expect(error.message).toBe(
      "Query failed: ERROR: permission denied for svv_columns\nSQL: SELECT * FROM svv_columns",
    );
    expect(error.hint).toContain("q1");
  });
});

describe("listStatements", () => {
  it("pages to the end, keeps only the prefix, newest first", async () => {
    const { mock, warehouse } = setup();
    mock
      .on(ListStatementsCommand)
      .resolvesOnce({
        Statements: [
          {
            Id: "a",
            StatementName: "redshift-views:production:create:analytics_production.users",
            Status: "FINISHED",
            CreatedAt: new Date("2024-01-01T00:00:00Z"),
            IsBatchStatement: true,
            QueryStrings: ["DROP ...", "CREATE ..."],
            SecretArn: SECRET,
          },
          {
            Id: "x",
            StatementName: "someone-else",
            Status: "FINISHED",
            CreatedAt: new Date("2024-01-03T00:00:00Z"),
          },
        ],
        NextToken: "t2",
      })
      .resolvesOnce({
        Statements: [
          {
            Id: "b",
            StatementName: "redshift-views:production:refresh:analytics_production.users",
            Status: "FAILED",
            CreatedAt: new Date("2024-01-02T00:00:00Z"),
            QueryString: "REFRESH MATERIALIZED VIEW ...",
          },
        ],
      });
    const statements = await warehouse.listStatements({ namePrefix: "redshift-views:production:" });
    expect(statements).toEqual([
      {
        id: "b",
        name: "redshift-views:production:refresh:analytics_production.users",
        status: "FAILED",
        createdAt: new Date("2024-01-02T00:00:00Z"),
        isBatch: false,
        sqls: ["REFRESH MATERIALIZED VIEW ..."],
      },
      {
        id: "a",
        name: "redshift-views:production:create:analytics_production.users",
        status: "FINISHED",
        createdAt: new Date("2024-01-01T00:00:00Z"),
        isBatch: true,
        sqls: ["DROP ...", "CREATE ..."],
      },
    ]);
    const inputs = mock.commandCalls(ListStatementsCommand).map((call) => call.args[0].input);
    expect(inputs[0]).toMatchObject({
      StatementName: "redshift-views:production:",
      Status: "ALL",
      MaxResults: 100,
    });
    expect(inputs[1]).toMatchObject({ NextToken: "t2" });
  });

  it("stops at the limit", async () => {
    const { mock, warehouse } = setup();
    let page = 0;
    mock.on(ListStatementsCommand).callsFake(() => {
      page++;
      return {
        Statements: Array.from({ length: 100 }, (_, i) => ({
          Id: `${page}-${i}`,
          StatementName: "p:x",
          Status: "FINISHED",
        })),
        NextToken: "more",
      };
    });
    expect(await warehouse.listStatements({ namePrefix: "p:", limit: 250 })).toHaveLength(250);
    expect(page).toBe(3);
  });
});

describe("listStatements bounds", () => {
  it("stops paging when a server keeps returning empty pages with tokens", async () => {
    const { mock, warehouse } = setup();
    mock.on(ListStatementsCommand).resolves({ Statements: [], NextToken: "again" });
    expect(await warehouse.listStatements({ namePrefix: "p:", limit: 100 })).toEqual([]);
    expect(warehouse.stats.calls.ListStatements).toBe(11);
  });
});
