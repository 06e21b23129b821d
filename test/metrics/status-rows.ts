import type { LastOperation, StatusRow } from "../../src/health/status-rows.js";

/** The moment the monitor runs in these tests. */
export const NOW = new Date(Date.UTC(2025, 5, 1, 12, 0, 0));

/** An ISO time `seconds` before NOW. */
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

export function operation(
  kind: LastOperation["operation"],
  status: LastOperation["status"],
  secondsAgo: number,
  durationSeconds: number,
  extra: Partial<Pick<LastOperation, "statementId" | "error">> = {},
): LastOperation {
  return { operation: kind, status, at: ago(secondsAgo), durationSeconds, by: "ci@runner", ...extra };
}

/** A healthy existing view of model User; override what a test is about. */
export function statusRow(overrides: Partial<StatusRow> & Pick<StatusRow, "schema" | "view">): StatusRow {
  return {
    tier: "non_pii",
    model: "User",
    exists: true,
    stale: false,
    state: 1,
    stateText: "incremental refresh",
    lastOperation: null,
    operations: {},
    conditions: [],
    ...overrides,
  };
}

const usersRefresh = operation("refresh", "FINISHED", 600, 3.5, { statementId: "st-users-refresh" });
const piiCreate = operation("create", "FINISHED", 7_200, 20, { statementId: "st-pii-create" });
const postsRefresh = operation("refresh", "FINISHED", 86_400, 2, { statementId: "st-posts-refresh" });
const postsCreate = operation("create", "FAILED", 300, 1.25, {
  statementId: "st-posts-create",
  error: 'permission denied for schema "analytics_dev"',
});

/**
 * Three views, one of them failed: `analytics_dev.posts`'s rebuild failed (so it is out of date and
 * failed provisioning) and it still holds data from a day-old refresh; the PII users view's
 * staleness is unknown.
 */
export const ROWS_WITH_ONE_FAILED: readonly StatusRow[] = [
  statusRow({
    schema: "analytics_dev",
    view: "posts",
    model: "Post",
    state: 1,
    lastOperation: postsCreate,
    operations: { create: postsCreate, refresh: postsRefresh },
    conditions: ["out_of_date", "failed_provisioning"],
  }),
  statusRow({
    schema: "analytics_dev",
    view: "users",
    lastOperation: usersRefresh,
    operations: {
      create: operation("create", "FINISHED", 3_600, 12, { statementId: "st-users-create" }),
      refresh: usersRefresh,
    },
  }),
  statusRow({
    schema: "analytics_dev_pii",
    view: "users",
    tier: "pii",
    stale: null,
    state: null,
    stateText: "unknown",
    lastOperation: piiCreate,
    operations: { create: piiCreate },
  }),
];

/** The same views, all healthy and fresh. */
export const HEALTHY_ROWS: readonly StatusRow[] = ROWS_WITH_ONE_FAILED.map((row) =>
  statusRow({
    ...row,
    stale: false,
    conditions: [],
    lastOperation: usersRefresh,
    operations: { refresh: usersRefresh },
  }),
);
