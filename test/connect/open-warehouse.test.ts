import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolvedTarget } from "../../src/config/index.js";
import { LOCAL_DEPLOY_USER } from "../../src/connect/connection-fields.js";
import { type OpenedWarehouse, openWarehouse } from "../../src/connect/open-warehouse.js";
import { statementName, statementNamePrefix } from "../../src/warehouse/index.js";

// End to end: the real SDK client against the embedded emulator, started by openWarehouse.
describe("openWarehouse (local emulator)", () => {
  let dir: string;
  let opened: OpenedWarehouse;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "rv-warehouse-"));
    const target: ResolvedTarget = {
      kind: "local",
      environment: "development",
      dataDir: path.join(dir, ".redshift-views", "development"),
      database: "dev",
      grants: { nonPii: [], pii: [] },
    };
    opened = await openWarehouse(target, { poll: { initialDelayMs: 5, maxDelayMs: 20 } });
    // The local target connects as the deploy user, which a session seeds with the source tables.
    await opened.emulator?.seedDeployUser({ user: LOCAL_DEPLOY_USER, sources: [] });
  });

  afterAll(async () => {
    await opened?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("starts the emulator and runs statements, batches and queries through the real client", async () => {
    const { warehouse, emulator } = opened;
    expect(emulator?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(path.join(dir, ".redshift-views", "development"))).toBe(true);

    const created = await warehouse.executeBatch(
      [
        "CREATE SCHEMA IF NOT EXISTS wh_test",
        "CREATE TABLE wh_test.t (id integer, name varchar(20), ok boolean)",
      ],
      { name: statementName("development", "schema", "wh_test") },
    );
    expect(created.kind).toBe("finished");
    expect(
      (await warehouse.execute("INSERT INTO wh_test.t VALUES (1, 'a', true), (2, NULL, false)")).kind,
    ).toBe("finished");

    expect(await warehouse.query("SELECT id, name, ok FROM wh_test.t ORDER BY id")).toEqual([
      { id: 1, name: "a", ok: true },
      { id: 2, name: null, ok: false },
    ]);

    const failed = await warehouse.executeBatch(
      ["INSERT INTO wh_test.t VALUES (3, 'b', true)", "SELECT nope FROM wh_test.t", "SELECT 1"],
      { name: statementName("development", "create", "wh_test.t") },
    );
    expect(failed).toMatchObject({
      kind: "failed",
      failedSql: "SELECT nope FROM wh_test.t",
      subStatementIndex: 1,
    });
    if (failed.kind === "failed") expect(failed.error).toMatch(/nope/);
    // The batch was one transaction: the INSERT before the failure was rolled back.
    expect(await warehouse.query("SELECT count(*) AS n FROM wh_test.t")).toEqual([{ n: 2 }]);

    const listed = await warehouse.listStatements({ namePrefix: statementNamePrefix("development") });
    expect(listed.map((s) => [s.name, s.status])).toEqual([
      ["redshift-views:development:create:wh_test.t", "FAILED"],
      ["redshift-views:development:schema:wh_test", "FINISHED"],
    ]);
  });

  it("retries throttling injected by the emulator (30%) and counts every call", async () => {
    const { warehouse, emulator } = opened;
    emulator?.setFaults({ throttleRate: 0.3, seed: 7 });
    emulator?.resetStats();
    const before = { ...warehouse.stats.calls };
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => warehouse.execute(`SELECT ${i}`)),
      );
      expect(outcomes.every((outcome) => outcome.kind === "finished")).toBe(true);
    } finally {
      emulator?.setFaults({});
    }
    const sent = (operation: "ExecuteStatement" | "DescribeStatement") =>
      (warehouse.stats.calls[operation] ?? 0) - (before[operation] ?? 0);
    expect(emulator?.stats.throttled).toBeGreaterThan(0);
    expect(emulator?.stats.operations.ExecuteStatement).toBe(sent("ExecuteStatement"));
    expect(emulator?.stats.operations.DescribeStatement).toBe(sent("DescribeStatement"));
  });
});

describe("openWarehouse (local emulator, default polling)", () => {
  it("polls the embedded emulator from 10 ms, then every 100 ms at most twice in 200 ms, unless the caller sets polling", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "rv-warehouse-poll-"));
    const target: ResolvedTarget = {
      kind: "local",
      environment: "development",
      dataDir: path.join(dir, ".redshift-views", "development"),
      database: "dev",
      grants: { nonPii: [], pii: [] },
    };
    const waits: number[] = [];
    // The client's clock moves only by its own waits, each recorded and taking 1 ms instead: the waits
    // are the schedule itself, whatever the machine's speed, and the injected 200 ms latency (real
    // time, in the emulator) spans several polls.
    let clock = 0;
    const now = () => clock;
    const sleep = async (ms: number) => {
      waits.push(ms);
      clock += ms;
      await new Promise((resolve) => setTimeout(resolve, 1));
    };
    const opened = await openWarehouse(target, { sleep, now });
    try {
      opened.emulator?.setFaults({ latencyMs: 200 });
      await opened.emulator?.seedDeployUser({ user: LOCAL_DEPLOY_USER, sources: [] });
      expect((await opened.warehouse.execute("SELECT 1")).kind).toBe("finished");
      // First poll after 10 ms, the waits growing to every 100 ms, and never a third poll within
      // 200 ms (2 × the longest wait): at most 10 polls a second, where a cluster gets 2.
      expect(waits[0]).toBe(10);
      expect(waits.at(-1)).toBe(100);
      const polledAt = waits.map((_, index) => waits.slice(0, index + 1).reduce((a, b) => a + b, 0));
      for (let index = 2; index < polledAt.length; index++)
        expect((polledAt[index] ?? 0) - (polledAt[index - 2] ?? 0)).toBeGreaterThanOrEqual(200);
    } finally {
      await opened.close();
    }
    waits.length = 0;
    const given = await openWarehouse(target, {
      sleep,
      now,
      poll: { initialDelayMs: 7, maxDelayMs: 7 },
    });
    try {
      given.emulator?.setFaults({ latencyMs: 50 });
      expect((await given.warehouse.execute("SELECT 1")).kind).toBe("finished");
      expect(new Set(waits)).toEqual(new Set([7]));
    } finally {
      await given.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("openWarehouse (AWS)", () => {
  it("builds a client for a cluster target without starting an emulator", async () => {
    const opened = await openWarehouse({
      kind: "cluster",
      environment: "production",
      clusterIdentifier: "analytics-prod",
      dbUser: "deployer",
      database: "analytics",
      region: "eu-west-1",
      grants: { nonPii: [], pii: [] },
      overriddenBy: [],
    });
    expect(opened.emulator).toBeUndefined();
    expect(opened.warehouse.stats.calls).toEqual({});
    await opened.close();
  });
});
