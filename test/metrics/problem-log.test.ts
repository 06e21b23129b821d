import { describe, expect, it } from "vitest";
import { formatProblemLogLine, problemLogEntries } from "../../src/metrics/problem-log.js";
import { checkJson, readSchema } from "../helpers/json-schemas.js";
import { HEALTHY_ROWS, ROWS_WITH_ONE_FAILED, statusRow } from "./status-rows.js";

describe("problemLogEntries", () => {
  it("writes one line per (view, condition), naming the statement that explains it", () => {
    const lines = problemLogEntries(ROWS_WITH_ONE_FAILED, { environment: "production" }).map(
      formatProblemLogLine,
    );
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        environment: "production",
        condition: "out_of_date",
        view: "analytics_dev.posts",
        model: "Post",
        tier: "non_pii",
        operation: "create",
        status: "FAILED",
        state: 1,
        stateText: "incremental refresh",
        statementId: "st-posts-create",
        error: 'permission denied for schema "analytics_dev"',
        detail: null,
      },
      {
        environment: "production",
        condition: "failed_provisioning",
        view: "analytics_dev.posts",
        model: "Post",
        tier: "non_pii",
        operation: "create",
        status: "FAILED",
        state: 1,
        stateText: "incremental refresh",
        statementId: "st-posts-create",
        error: 'permission denied for schema "analytics_dev"',
        detail: null,
      },
    ]);
    for (const line of lines) expect(line).not.toContain("\n");
  });

  it("reports the last REFRESH for an unrefreshable view even when a later operation exists", () => {
    const [entry] = problemLogEntries(
      [
        statusRow({
          schema: "analytics_dev",
          view: "users",
          conditions: ["unrefreshable"],
          lastOperation: {
            operation: "drop",
            status: "FINISHED",
            at: "2025-06-01T11:00:00.000Z",
            durationSeconds: 1,
            by: "x",
          },
          operations: {
            refresh: {
              operation: "refresh",
              status: "ABORTED",
              at: "2025-06-01T10:00:00.000Z",
              durationSeconds: 0,
              statementId: "st-refresh",
              error: "cancelled",
              by: "x",
            },
          },
        }),
      ],
      { environment: "dev" },
    );
    expect(entry).toMatchObject({
      condition: "unrefreshable",
      operation: "refresh",
      status: "ABORTED",
      statementId: "st-refresh",
      error: "cancelled",
    });
  });

  it("says what an access or source condition is about", async () => {
    const entries = problemLogEntries(
      [
        statusRow({
          schema: "analytics_dev_pii",
          view: "users",
          conditions: ["unexpected_access", "source_not_synced"],
          access: {
            readers: ['GROUP "analysts"', 'ROLE "pii_readers"'],
            unexpected: ['GROUP "analysts"'],
            missing: [],
          },
          source: { table: "app_zeroetl.app.users", state: "ResyncInitiated" },
        }),
      ],
      { environment: "dev" },
    );
    expect(entries.map((entry) => [entry.condition, entry.detail])).toEqual([
      ["unexpected_access", 'readable by GROUP "analysts"'],
      ["source_not_synced", "app_zeroetl.app.users is ResyncInitiated"],
    ]);
    // The documented shape of a log line (docs/schemas/status.schema.json, $defs.problemLogEntry).
    const schema = await readSchema("status.schema.json");
    const entrySchema = { $schema: schema.$schema, $ref: "#/$defs/problemLogEntry", $defs: schema.$defs };
    for (const entry of entries)
      expect(checkJson(entrySchema, JSON.parse(formatProblemLogLine(entry)))).toEqual([]);
  });

  it("keeps every key for an orphan with no history (null, not absent)", () => {
    const [entry] = problemLogEntries(
      [
        {
          schema: "s",
          view: "old",
          exists: true,
          stale: false,
          state: 1,
          stateText: "incremental refresh",
          lastOperation: null,
          operations: {},
          conditions: ["orphan"],
        },
      ],
      { environment: "dev" },
    );
    expect(entry).toEqual({
      environment: "dev",
      condition: "orphan",
      view: "s.old",
      model: null,
      tier: null,
      operation: null,
      status: null,
      state: 1,
      stateText: "incremental refresh",
      statementId: null,
      error: null,
      detail: null,
    });
  });

  it("writes nothing for a healthy environment", () => {
    expect(problemLogEntries(HEALTHY_ROWS, { environment: "dev" })).toEqual([]);
  });
});
