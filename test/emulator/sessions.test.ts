import {
  ActiveSessionsExceededException,
  BatchExecuteStatementCommand,
  type DescribeStatementResponse,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  GetStatementResultCommand,
  ListSessionsCommand,
  type RedshiftDataClient,
  ResourceNotFoundException,
  ValidationException,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { asUser, clientFor, waitFor } from "./helpers.js";

/**
 * Data API sessions through the real SDK client: SessionKeepAliveSeconds opens one, statements sent with
 * its SessionId run in it (as its user, with its temporary tables and settings), others do not see
 * them; a busy, expired or unknown session is refused. The emulator's clock is the test's, so expiry
 * is a jump of the clock, not a wait.
 */

const MAX_SESSIONS = 10;
let emulator: RunningEmulator;
let client: RedshiftDataClient;
let clock = Date.now();

beforeAll(async () => {
  emulator = await startEmulator({ now: () => clock, maxActiveSessions: MAX_SESSIONS });
  client = clientFor(emulator.endpoint);
  await emulator.query("CREATE USER alice PASSWORD DISABLE; CREATE USER bob PASSWORD DISABLE");
});

afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

type Input = Omit<ExecuteStatementCommandInput, "Sql">;

async function run(
  input: Input,
  sql: string,
): Promise<DescribeStatementResponse & { SessionId?: string | undefined }> {
  const submitted = await client.send(new ExecuteStatementCommand({ ...input, Sql: sql }));
  const described = await waitFor(client, submitted.Id);
  return { ...described, ...(submitted.SessionId === undefined ? {} : { SessionId: submitted.SessionId }) };
}

/** The single value of a statement that must succeed. */
async function value(input: Input, sql: string): Promise<unknown> {
  const described = await run(input, sql);
  expect(described.Error).toBeUndefined();
  const result = await client.send(new GetStatementResultCommand({ Id: described.Id }));
  const field = result.Records?.[0]?.[0];
  return field?.longValue ?? field?.stringValue ?? field?.booleanValue;
}

/** Temporary relations the emulator keeps aside for idle sessions (see session-isolation.ts). */
async function hiddenRelations(): Promise<number> {
  const [row] = await emulator.query(
    "SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'redshift\\_emulator\\_session\\_%'",
  );
  return Number(row?.n);
}

async function openSession(user: string, sql = "SELECT 1"): Promise<string> {
  const opened = await run({ ...asUser(user), SessionKeepAliveSeconds: 600 }, sql);
  expect(opened.Error).toBeUndefined();
  expect(opened.SessionId).toMatch(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
  return opened.SessionId ?? "";
}

describe("a session", () => {
  it("keeps its temporary tables for its own statements, away from every other statement", async () => {
    const first = await openSession("alice", "CREATE TEMP TABLE staging (id int PRIMARY KEY)");
    expect((await run({ SessionId: first }, "INSERT INTO staging VALUES (1), (2)")).Error).toBeUndefined();
    expect(await value({ SessionId: first }, "SELECT count(*) FROM staging")).toBe(2);

    const sessionless = await run(asUser("alice"), "SELECT count(*) FROM staging");
    expect(sessionless.Error).toMatch(/relation "staging" does not exist/);

    const second = await openSession("alice");
    expect((await run({ SessionId: second }, "SELECT * FROM staging")).Error).toMatch(/does not exist/);
    expect(
      (await run({ SessionId: second }, "CREATE TEMP TABLE staging (id int PRIMARY KEY)")).Error,
    ).toBeUndefined();
    expect(await value({ SessionId: second }, "SELECT count(*) FROM staging")).toBe(0);
    expect(await value({ SessionId: first }, "SELECT count(*) FROM staging")).toBe(2);
  });

  it("cannot be reached past: DISCARD, which Redshift does not have, is a syntax error", async () => {
    const session = await openSession("bob", "CREATE TEMP TABLE guarded (a int)");
    expect((await run(asUser("bob"), "DISCARD TEMP")).Error).toMatch(
      /^ERROR: syntax error at or near "DISCARD"/,
    );
    expect(await value({ SessionId: session }, "SELECT count(*) FROM guarded")).toBe(0);
  });

  it("drops a sessionless statement's temporary tables when it ends", async () => {
    expect((await run(asUser("bob"), "CREATE TEMP TABLE lone (a int)")).Error).toBeUndefined();
    expect((await run(asUser("bob"), "SELECT * FROM lone")).Error).toMatch(/relation "lone" does not exist/);
  });

  it("drops them however they were made: CREATE TABLE AS, SELECT INTO, a temporary view", async () => {
    // Found through the event triggers that mark every change to temporary relations (session-isolation.ts).
    for (const [sql, name] of [
      ["CREATE TEMP TABLE lone_as AS SELECT 1 AS a", "lone_as"],
      ["SELECT 1 AS a INTO TEMP lone_into", "lone_into"],
      ["CREATE TEMP VIEW lone_view AS SELECT 1 AS a", "lone_view"],
    ] as const) {
      expect((await run(asUser("bob"), sql)).Error).toBeUndefined();
      expect((await run(asUser("bob"), `SELECT * FROM ${name}`)).Error).toMatch(
        new RegExp(`relation "${name}" does not exist`),
      );
    }
  });

  it("keeps its settings; a statement without a session starts from a fresh session's", async () => {
    const fresh = await value(asUser("bob"), "SELECT current_setting('TimeZone')");
    const session = await openSession("bob", "SET timezone TO 'Asia/Tokyo'");
    expect(await value({ SessionId: session }, "SELECT current_setting('TimeZone')")).toBe("Asia/Tokyo");
    expect(await value(asUser("bob"), "SELECT current_setting('TimeZone')")).toBe(fresh);
    expect((await run(asUser("bob"), "SET timezone TO 'Europe/Paris'")).Error).toBeUndefined();
    expect(await value(asUser("bob"), "SELECT current_setting('TimeZone')")).toBe(fresh);
    expect(await value({ SessionId: session }, "SELECT current_setting('TimeZone')")).toBe("Asia/Tokyo");
  });

  it("runs its statements as its user, in its database, batches included", async () => {
    const session = await openSession("bob");
    expect(await value({ SessionId: session }, "SELECT current_user")).toBe("bob");
    const { Id, SessionId } = await client.send(
      new BatchExecuteStatementCommand({
        SessionId: session,
        Database: "dev",
        Sqls: ["CREATE TEMP TABLE batch_probe (a int)", "INSERT INTO batch_probe VALUES (7)"],
      }),
    );
    expect(SessionId).toBe(session);
    expect((await waitFor(client, Id)).Status).toBe("FINISHED");
    expect(await value({ SessionId: session }, "SELECT a FROM batch_probe")).toBe(7);
  });

  it("refuses members that would run a session's statement elsewhere or as someone else", async () => {
    const session = await openSession("bob");
    for (const input of [
      { SessionId: session, ClusterIdentifier: "local" },
      { SessionId: session, DbUser: "alice" },
      { SessionId: session, Database: "other" },
    ]) {
      await expect(
        client.send(new ExecuteStatementCommand({ ...input, Sql: "SELECT 1" })),
      ).rejects.toBeInstanceOf(ValidationException);
    }
  });

  it("takes one statement at a time", async () => {
    const session = await openSession("bob");
    let release: () => void = () => undefined;
    emulator.setFaults({ onStatement: () => new Promise<void>((resolve) => (release = resolve)) });
    try {
      const held = await client.send(new ExecuteStatementCommand({ SessionId: session, Sql: "SELECT 1" }));
      emulator.setFaults({});
      const busy = await client
        .send(new ExecuteStatementCommand({ SessionId: session, Sql: "SELECT 2" }))
        .catch((error: unknown) => error);
      expect(busy).toBeInstanceOf(ValidationException);
      expect((busy as Error).message).toContain(`busy running statement ${held.Id}`);
      const listed = await client.send(new ListSessionsCommand({ SessionId: session }));
      expect(listed.Sessions?.[0]).toMatchObject({ Status: "BUSY", CurrentStatementId: held.Id });
      release();
      expect((await waitFor(client, held.Id)).Status).toBe("FINISHED");
      expect((await run({ SessionId: session }, "SELECT 3")).Status).toBe("FINISHED");
    } finally {
      release();
      emulator.setFaults({});
    }
  });
});

describe("the end of a session", () => {
  it("closes a session its keep-alive after its last statement, and drops its temporary tables", async () => {
    const opened = await run(
      { ...asUser("alice"), SessionKeepAliveSeconds: 60 },
      "CREATE TEMP TABLE short (a int)",
    );
    const session = opened.SessionId ?? "";
    clock += 59_000;
    expect((await run({ SessionId: session }, "SELECT * FROM short")).Status).toBe("FINISHED");
    const kept = await hiddenRelations();
    clock += 61_000;
    await expect(
      client.send(new ExecuteStatementCommand({ SessionId: session, Sql: "SELECT 1" })),
    ).rejects.toMatchObject({ name: "ValidationException", message: "Session is not available" });
    const listed = await client.send(new ListSessionsCommand({ SessionId: session }));
    expect(listed.Sessions?.[0]).toMatchObject({
      SessionId: session,
      Status: "CLOSED",
      SessionAliveSeconds: 60,
    });
    // The next statement drops what the closed session held: its one table.
    await run(asUser("alice"), "SELECT 1");
    expect(await hiddenRelations()).toBe(kept - 1);
  });

  it("is closed from the start when its user cannot log in", async () => {
    const opened = await run({ ...asUser("nobody"), SessionKeepAliveSeconds: 600 }, "SELECT 1");
    expect(opened.Error).toMatch(/^FATAL: user "IAM:nobody" does not exist/);
    await expect(
      client.send(new ExecuteStatementCommand({ SessionId: opened.SessionId, Sql: "SELECT 1" })),
    ).rejects.toMatchObject({ name: "ValidationException", message: "Session is not available" });
  });

  it("tells a session that never existed from one that closed", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    await expect(
      client.send(new ExecuteStatementCommand({ SessionId: unknown, Sql: "SELECT 1" })),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: `Session with Id: ${unknown} is invalid`,
    });
    await expect(client.send(new ListSessionsCommand({ SessionId: unknown }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it("lists the caller's open sessions by default, closed ones on request", async () => {
    clock += 3_600_000;
    const session = await openSession("alice");
    const open = await client.send(new ListSessionsCommand({}));
    expect(open.Sessions?.map((listed) => listed.SessionId)).toEqual([session]);
    expect(open.Sessions?.[0]).toMatchObject({
      Status: "AVAILABLE",
      Database: "dev",
      DbUser: "alice",
      ClusterIdentifier: "local",
      SessionAliveSeconds: 600,
    });
    expect(open.Sessions?.[0]?.SessionTtl?.getTime()).toBeGreaterThan(clock);
    const closed = await client.send(new ListSessionsCommand({ Status: "CLOSED" }));
    expect(closed.Sessions?.length).toBeGreaterThan(0);
    expect(closed.Sessions?.every((listed) => listed.Status === "CLOSED")).toBe(true);
    await expect(
      client.send(new ListSessionsCommand({ SessionId: session, Status: "AVAILABLE" })),
    ).rejects.toBeInstanceOf(ValidationException);
  });

  it("caps the sessions open at once", async () => {
    clock += 3_600_000;
    for (let i = 0; i < MAX_SESSIONS; i++) await openSession("alice");
    await expect(
      client.send(
        new ExecuteStatementCommand({ ...asUser("alice"), SessionKeepAliveSeconds: 60, Sql: "SELECT 1" }),
      ),
    ).rejects.toBeInstanceOf(ActiveSessionsExceededException);
  });
});
