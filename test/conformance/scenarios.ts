import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMarker } from "../../src/bookkeeping/marker.js";
import type { WarehouseOptions } from "../../src/connect/options.js";
import { plan, provision, refresh, status } from "../../src/index.js";
import { acquireProvisionLock } from "../../src/lock/provision-lock.js";
import type { Warehouse } from "../../src/warehouse/index.js";
import { makeProject, removeDir, schema } from "../helpers/index.js";
import { FAST_POLL } from "../helpers/warehouse.js";
import type { ConformanceTarget } from "./target.js";

/**
 * The assumptions the product makes about Redshift, checked against a target: run on the embedded
 * emulator by `npm test` and on a real cluster or workgroup by `npm run test:redshift`, so the two are
 * compared by one suite. Everything lives in scratch schemas `rvc_<id>`, `rvc_<id>_pii`,
 * `rvc_<id>_src` (plain tables standing in for the replicated ones) and `rvc_<id>_reports`, dropped
 * at the end, with the rows the tool wrote for the `<id>` environment in `redshift_views`.
 * The tests of one target run in order: each builds on the views the first provisioned.
 */
export function conformanceScenarios(open: () => Promise<ConformanceTarget>): void {
  const id = `c${randomBytes(4).toString("hex")}`;
  const views = `rvc_${id}`;
  const pii = `rvc_${id}_pii`;
  const source = `rvc_${id}_src`;
  const reports = `rvc_${id}_reports`;
  let target: ConformanceTarget;
  let dir: string;
  let options: WarehouseOptions;

  const generator = (database: string) => `generator views {
  provider      = "prisma-redshift-views"
  sourceSchema  = "${database}.${source}"
  viewSchema    = "rvc_<%= environment %>"
  piiViewSchema = "rvc_<%= environment %>_pii"
  project       = "rv-conformance"
}`;
  const models = (countryLevel: "public" | "restricted") => `
/// @exportToAnalytics
model User {
  id        Int      @id
  /// @classification restricted
  email     String
  /// The user's country: ISO 3166 "alpha-2" | as entered, e.g. 'FR' — never a region.
  /// @classification ${countryLevel}
  country   String
  /// @classification public
  createdAt DateTime @map("created_at")
  @@map("users")
}

/// @exportToAnalytics
model Post {
  id       Int    @id
  /// @classification public
  authorId Int    @map("author_id")
  /// @classification public
  title    String
  @@map("posts")
}
`;

  // c12 keeps a config file it has read for the life of the process: each version is a file of its own.
  let versions = 0;
  async function configure(grants?: { nonPii?: string[]; pii?: string[] }): Promise<void> {
    const file = `redshift-views.config.${++versions}.json`;
    await writeFile(
      path.join(dir, file),
      `${JSON.stringify({ environments: { [id]: target.environment }, ...(grants === undefined ? {} : { grants }) }, null, 2)}\n`,
    );
    options = { ...options, config: file };
  }

  async function run(warehouse: Warehouse, sqls: readonly string[]): Promise<void> {
    const outcome = await warehouse.executeBatch(sqls);
    if (outcome.kind !== "finished") throw new Error(`${sqls.join("\n")}\n→ ${JSON.stringify(outcome)}`);
  }

  /** One value of a query on the target. */
  async function scalar(sql: string): Promise<unknown> {
    const [row] = await target.warehouse.query(sql);
    return row === undefined ? undefined : Object.values(row)[0];
  }

  beforeAll(async () => {
    target = await open();
    dir = await makeProject("conformance", {
      "prisma/schema.prisma": schema(models("public"), { generator: generator(target.database) }),
    });
    options = {
      cwd: dir,
      environment: id,
      env: {},
      ...(target.client === undefined ? {} : { client: target.client, poll: FAST_POLL }),
    };
    await configure();
    await run(target.warehouse, [
      `CREATE SCHEMA ${source};`,
      `CREATE TABLE ${source}.users (id INTEGER, email VARCHAR(256), country VARCHAR(64), created_at TIMESTAMP);`,
      `CREATE TABLE ${source}.posts (id INTEGER, author_id INTEGER, title VARCHAR(256));`,
      `INSERT INTO ${source}.users VALUES (1, 'a@example.com', 'FR', '2026-01-01 10:00:00'), (2, 'b@example.com', 'DE', '2026-01-02 10:00:00');`,
      `INSERT INTO ${source}.posts VALUES (1, 1, 'Hello'), (2, 2, 'World');`,
    ]);
  }, 300_000);

  afterAll(async () => {
    if (target === undefined) return;
    try {
      for (const name of [reports, views, pii, source])
        await target.warehouse.executeBatch([`DROP SCHEMA IF EXISTS ${name} CASCADE;`]);
      await target.warehouse.executeBatch([
        `DELETE FROM redshift_views.view_operations WHERE environment = '${id}';`,
      ]);
      await target.warehouse.executeBatch([
        `DELETE FROM redshift_views.provision_lock WHERE environment = '${id}';`,
      ]);
      await target.warehouse.executeBatch([`DROP GROUP ${id}_ghosts;`]);
      await target.warehouse.executeBatch([`DROP USER ${id}_other;`]);
    } finally {
      await target.close();
      if (dir !== undefined) await removeDir(dir);
    }
  }, 300_000);

  describe("provisioning, status and refresh", () => {
    it("connects, provisions every view, and plans them unchanged afterwards", async () => {
      expect(await scalar("SELECT 1 AS one")).toBe(1);
      const report = await provision(options);
      expect(report.summary).toMatchObject({ add: 4, update: 0, drop: 0, conflict: 0 });
      expect(report.result?.outcomes.filter((outcome) => outcome.kind !== "applied")).toEqual([]);
      expect((await plan(options)).summary).toMatchObject({ unchanged: 4, add: 0, update: 0, comment: 0 });
    });

    it("status: every view exists without a problem; an insert makes the views over the table stale", async () => {
      const before = await status(options);
      expect(before.views.map((row) => [`${row.schema}.${row.view}`, row.exists, row.conditions])).toEqual([
        [`${views}.posts`, true, []],
        [`${views}.users`, true, []],
        [`${pii}.posts`, true, []],
        [`${pii}.users`, true, []],
      ]);
      await run(target.warehouse, [
        `INSERT INTO ${source}.users VALUES (3, 'c@example.com', 'IT', '2026-01-03 10:00:00');`,
      ]);
      const after = await status(options);
      expect(
        after.views.filter((row) => row.stale === true).map((row) => `${row.schema}.${row.view}`),
      ).toEqual([`${views}.users`, `${pii}.users`]);
    });

    it("refresh brings the stale views up to date; the rows are the source's", async () => {
      const report = await refresh(options);
      expect(report.targets.map((view) => `${view.schema}.${view.name}`).sort()).toEqual([
        `${views}.users`,
        `${pii}.users`,
      ]);
      expect(report.refreshed.filter((outcome) => outcome.kind !== "refreshed")).toEqual([]);
      expect((await status(options)).views.filter((row) => row.stale !== false)).toEqual([]);
      expect(await scalar(`SELECT count(*)::int FROM ${views}.users`)).toBe(3);
      // highly restricted and restricted columns never reach the non-PII view.
      const columns = await target.warehouse.query(
        `SELECT column_name FROM svv_columns WHERE table_schema = '${views}' AND table_name = 'users' ORDER BY ordinal_position`,
      );
      expect(columns.map((row) => row.column_name)).toEqual(["id", "country", "created_at"]);
    });
  });

  describe("the marker and the data dictionary", () => {
    it("the marker on the first column survives REFRESH, also after the source was emptied", async () => {
      await run(target.warehouse, [`TRUNCATE ${source}.posts;`]);
      await run(target.warehouse, [`REFRESH MATERIALIZED VIEW ${views}.posts;`]);
      await run(target.warehouse, [`INSERT INTO ${source}.posts VALUES (3, 1, 'Again');`]);
      await run(target.warehouse, [`REFRESH MATERIALIZED VIEW ${views}.posts;`]);
      expect(await scalar(`SELECT count(*)::int FROM ${views}.posts`)).toBe(1);
      expect((await plan(options)).summary).toMatchObject({ unchanged: 4 });
    });

    it("column comments round-trip through SVV_COLUMNS.remarks, quotes and non-ASCII included", async () => {
      const rows = await target.warehouse.query(
        `SELECT column_name, remarks FROM svv_columns WHERE table_schema = '${views}' AND table_name = 'users' ORDER BY ordinal_position`,
      );
      const remarks = Object.fromEntries(rows.map((row) => [row.column_name, row.remarks]));
      expect(parseMarker(String(remarks.id))?.project).toBe("rv-conformance");
      expect(remarks.country).toBe(
        `[public] The user's country: ISO 3166 "alpha-2" | as entered, e.g. 'FR' — never a region.`,
      );
    });
  });

  describe("Redshift's rules the product relies on", () => {
    it("two lock acquisitions at once: exactly one holds the lock, the other names it", async () => {
      const attempts = await Promise.allSettled(
        ["first@conformance", "second@conformance"].map((holder) =>
          acquireProvisionLock(target.warehouse, { environment: id, holder }),
        ),
      );
      const held = attempts.flatMap((attempt) => (attempt.status === "fulfilled" ? [attempt.value] : []));
      const refused = attempts.flatMap((attempt) => (attempt.status === "rejected" ? [attempt.reason] : []));
      expect(held).toHaveLength(1);
      expect(refused).toEqual([
        expect.objectContaining({
          code: "E_PROVISION_LOCKED",
          message: expect.stringContaining(`being provisioned by ${held[0]?.holder}`),
        }),
      ]);
      expect(await held[0]?.release()).toBe(true);
      expect(
        await scalar(`SELECT count(*)::int FROM redshift_views.provision_lock WHERE environment = '${id}'`),
      ).toBe(0);
    });

    it("a materialized view on a managed view, and a view on that: the plan lists both; the DROP is refused", async () => {
      await run(target.warehouse, [
        `CREATE SCHEMA ${reports};`,
        `CREATE MATERIALIZED VIEW ${reports}.countries AS SELECT country, count(*) AS n FROM ${views}.users GROUP BY country;`,
        `CREATE VIEW ${reports}.top_countries AS SELECT country FROM ${reports}.countries WHERE n > 0;`,
      ]);
      // country → restricted: the non-PII users view is rebuilt.
      await writeFile(
        path.join(dir, "prisma/schema.prisma"),
        schema(models("restricted"), { generator: generator(target.database) }),
      );
      const planned = await plan(options);
      const users = planned.views.find((view) => view.action === "update" && view.schema === views);
      expect(
        users?.dependents?.map((dependent) => `${dependent.schema}.${dependent.view} ${dependent.kind}`),
      ).toEqual([`${reports}.countries materialized_view`, `${reports}.top_countries view`]);
      const report = await provision(options);
      const refusedUsers = report.result?.outcomes.find(
        (outcome) => outcome.schema === views && outcome.name === "users",
      );
      expect(refusedUsers).toMatchObject({ kind: "failed", error: expect.stringMatching(/^Not rebuilt: /) });
      // Redshift refuses the DROP itself too (the product never gets there without --cascade).
      const dropped = await target.warehouse.executeBatch([`DROP MATERIALIZED VIEW ${views}.users;`]);
      expect(dropped.kind).toBe("failed");
      expect(dropped.kind === "failed" && dropped.error).toMatch(/depend/i);
      await run(target.warehouse, [`DROP SCHEMA ${reports} CASCADE;`]);
      expect((await provision(options)).result?.outcomes.every((outcome) => outcome.kind === "applied")).toBe(
        true,
      );
    });

    it("a GRANT to a group that does not exist fails, and the view keeps its definition", async () => {
      await configure({ nonPii: [`GROUP ${id}_ghosts`] });
      const report = await provision(options);
      const failures = (report.result?.outcomes ?? []).filter((outcome) => outcome.kind === "failed");
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures)
        expect(failure.kind === "failed" && failure.error).toMatch(
          new RegExp(`group "?${id}_ghosts"? does not exist`, "i"),
        );
      await run(target.warehouse, [`CREATE GROUP ${id}_ghosts;`]);
      expect((await provision(options)).result?.outcomes.every((outcome) => outcome.kind === "applied")).toBe(
        true,
      );
      await configure();
    });

    it("only a view's owner may REFRESH it", async () => {
      const asUser = target.asUser;
      if (asUser === undefined) {
        console.warn("skipped: this target cannot log in as another user (serverless: no DbUser).");
        return;
      }
      await run(target.warehouse, [
        `CREATE USER ${id}_other PASSWORD DISABLE;`,
        `GRANT USAGE ON SCHEMA ${views} TO ${id}_other;`,
      ]);
      const other = asUser(`${id}_other`);
      const refreshed = await other.executeBatch([`REFRESH MATERIALIZED VIEW ${views}.posts;`]);
      expect(refreshed.kind).toBe("failed");
      expect(refreshed.kind === "failed" && refreshed.error).toMatch(/owner|permission denied/i);
    });
  });
}
