import pc from "picocolors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProvisionEvent, provision, refresh, status } from "../../src/index.js";
import { formatStatusTable } from "../../src/status/format-status.js";
import { MODELS, schema } from "../helpers/index.js";
import { edit, startTestWarehouse, type TestWarehouse } from "../helpers/warehouse.js";

// A replicated table that zero-ETL is resyncing cannot be queried: the views over it cannot be built
// or refreshed meanwhile. provision and refresh fail those views only and say why; status reports
// source_not_synced; once the table is Synced again, a re-run converges.

const paint = pc.createColors(false);
const CAUSE =
  "source table resync_app_zeroetl.app.users is not Synced (ResyncInitiated) in the zero-ETL integration; retry after it syncs";
let harness: TestWarehouse;

beforeAll(async () => {
  harness = await startTestWarehouse();
});
afterAll(async () => {
  harness?.emulator.setFaults({});
  await harness?.stop();
});

describe("a source table being resynced", () => {
  it("fails only the views over it, with the cause; status reports source_not_synced; clearing it converges", async () => {
    const project = await harness.project(schema(MODELS));
    const first = await project.options("resync");
    expect((await provision(first)).summary.add).toBe(4);

    harness.emulator.setFaults({ resyncing: ["users"] });
    const unsynced = await status(first);
    expect(unsynced.sources).toBe("checked");
    const conditions = Object.fromEntries(unsynced.views.map((row) => [`${row.schema}.${row.view}`, row]));
    for (const view of ["analytics_resync.users", "analytics_resync_pii.users"]) {
      expect(conditions[view]?.conditions).toEqual(["source_not_synced"]);
      expect(conditions[view]?.source).toEqual({
        table: "resync_app_zeroetl.app.users",
        state: "ResyncInitiated",
      });
    }
    for (const view of ["analytics_resync.posts", "analytics_resync_pii.posts"]) {
      expect(conditions[view]?.conditions).toEqual([]);
      expect(conditions[view]).not.toHaveProperty("source");
    }
    expect(formatStatusTable(unsynced.views, paint)).toContain(
      "analytics_resync.users: reads resync_app_zeroetl.app.users, which is ResyncInitiated (not Synced)",
    );

    // Rows replicated into both tables: every view is stale, and the refresh of those over users fails.
    await harness.emulator.replicate(
      `INSERT INTO "resync_app_zeroetl"."app"."users" (id, email, country, created_at) VALUES (10, 'a@example.com', 'FR', '2024-01-01');
       INSERT INTO "resync_app_zeroetl"."app"."posts" (id, author_id, title) VALUES (10, 10, 'hello')`,
    );
    const refreshed = await refresh(first);
    expect(
      Object.fromEntries(
        refreshed.refreshed.map((outcome) => [`${outcome.schema}.${outcome.name}`, outcome.kind]),
      ),
    ).toEqual({
      "analytics_resync.posts": "refreshed",
      "analytics_resync.users": "failed",
      "analytics_resync_pii.posts": "refreshed",
      "analytics_resync_pii.users": "failed",
    });
    for (const outcome of refreshed.refreshed.filter((candidate) => candidate.kind === "failed")) {
      expect(outcome.kind === "failed" && outcome.error).toContain(`(${CAUSE})`);
    }

    // A schema change to both models: the rebuilds over users fail, with the cause; posts is rebuilt.
    await project.setSchema(
      schema(
        edit(
          edit(
            MODELS,
            "  /// @classification public\n  country",
            "  /// @classification restricted\n  country",
          ),
          "  /// @classification public\n  title",
          "  /// @classification restricted\n  title",
        ),
      ),
    );
    const options = await project.options("resync");
    const events: ProvisionEvent[] = [];
    const report = await provision({ ...options, onEvent: (event) => events.push(event) });
    const outcomes = Object.fromEntries(
      (report.result?.outcomes ?? []).map((outcome) => [`${outcome.schema}.${outcome.name}`, outcome]),
    );
    expect(outcomes["analytics_resync.posts"]?.kind).toBe("applied");
    expect(outcomes["analytics_resync.users"]).toMatchObject({
      kind: "failed",
      error: expect.stringContaining(`[SQLSTATE 55000] (${CAUSE})`),
    });
    // The history keeps the cause: status shows it as the last error of the view.
    const after = await status(options);
    const users = after.views.find((row) => row.schema === "analytics_resync" && row.view === "users");
    expect(users?.conditions).toEqual([
      "out_of_date",
      "failed_provisioning",
      "unrefreshable",
      "source_not_synced",
    ]);
    expect(users?.operations.create?.error).toContain(CAUSE);

    harness.emulator.setFaults({});
    const converged = await provision(options);
    expect(converged.result?.outcomes.every((outcome) => outcome.kind === "applied")).toBe(true);
    expect((await refresh(options)).refreshed.every((outcome) => outcome.kind === "refreshed")).toBe(true);
    expect((await status(options)).views.flatMap((row) => row.conditions)).toEqual([]);
  });

  it("is not reported to a session that may not read the table states: a warning says so", async () => {
    const project = await harness.project(schema(MODELS), { dbUser: "deployer" });
    const options = await project.options("unseen");
    await harness.emulator.seedDeployUser({
      user: "deployer",
      sources: [{ database: "unseen_app_zeroetl", schema: "app" }],
    });
    // A DBA who did not let the deploy user see the table states.
    await harness.emulator.query("REVOKE SELECT ON svv_integration_table_state FROM deployer");
    harness.emulator.setFaults({ resyncing: ["users"] });
    try {
      const warnings: string[] = [];
      const report = await status({
        ...options,
        onEvent: (event) => {
          if (event.kind === "warning") warnings.push(`${event.code}: ${event.message} → ${event.hint}`);
        },
      });
      expect(report.sources).toBe("unchecked");
      expect(report.views.flatMap((row) => row.conditions)).not.toContain("source_not_synced");
      expect(warnings).toContainEqual(
        expect.stringMatching(
          /^source_states_unread: .*permission denied for relation svv_integration_table_state.*visible to superusers only: run status as one, or have one run GRANT SELECT ON svv_integration_table_state TO "deployer"/,
        ),
      );
    } finally {
      harness.emulator.setFaults({});
    }
  });
});
