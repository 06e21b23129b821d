import { beforeAll, describe, expect, it } from "vitest";
import { type DesiredView, desiredViews } from "../../src/desired/desired-views.js";
import { describeMvState, needsRebuild } from "../../src/health/mv-state.js";
import { buildStatusRows, type StatusRow } from "../../src/health/status-rows.js";
import type {
  OperationRecord,
  RecordedStatus,
  ViewHistory,
  ViewOperation,
} from "../../src/history/operation-record.js";
import type { Catalog, CatalogView } from "../../src/state/catalog.js";
import { mvInfoQuery } from "../../src/state/mv-info.js";
import { formatStatusCsv, formatStatusTable } from "../../src/status/format-status.js";
import { buildFromText, schema } from "../helpers/index.js";
import { checkJson, type JsonSchema, readSchema } from "../provision/json-schema-check.js";

const SCHEMA = schema(`
/// @exportToAnalytics
model User {
  id      Int    @id
  /// @classification restricted
  email   String
  /// @classification public
  country String
  @@map("users")
}

/// @exportToAnalytics
model Post {
  id    Int    @id
  /// @classification public
  title String
  @@map("posts")
}
`);

const PROJECT = "app";
let desired: DesiredView[];
let statusSchema: JsonSchema;

beforeAll(async () => {
  desired = desiredViews((await buildFromText(SCHEMA)).specs, "dev", { nonPii: [], pii: [] }, PROJECT);
  statusSchema = await readSchema("status.schema.json");
});

const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1) + seconds * 1000);
/** A history row: `operation` on `schema.view` started at second `start` and ran until `end`. */
const op = (
  view: string,
  operation: ViewOperation,
  status: RecordedStatus,
  start: number,
  end = start + 2,
  error?: string,
): OperationRecord => {
  const [schemaName = "", name = ""] = view.split(".");
  return {
    schema: schemaName,
    view: name,
    operation,
    status,
    startedAt: at(start),
    durationMs: (end - start) * 1000,
    statementId: `id-${view}-${operation}`,
    ...(error === undefined ? {} : { error }),
    by: "ops@laptop",
  };
};
/** The history as `readHistory` returns it: the latest record of each operation, per view. */
function historyOf(records: readonly OperationRecord[]): ViewHistory[] {
  const byView = new Map<string, Record<string, unknown>>();
  for (const record of records) {
    const key = `${record.schema}.${record.view}`;
    const entry = byView.get(key) ?? { schema: record.schema, view: record.view };
    entry[record.operation] = record;
    byView.set(key, entry);
  }
  return [...byView.values()] as unknown as ViewHistory[];
}
const hashOf = (schemaName: string, name: string) =>
  desired.find((view) => view.schema === schemaName && view.name === name)?.hash;
const plain = { green: String, yellow: String, red: String, dim: String, bold: String };

/** A relation owned by the session's user, with this project's marker when `hash` is given. */
const stored = (schemaName: string, name: string, hash: string | undefined): CatalogView => ({
  schema: schemaName,
  name,
  owner: "awsuser",
  marker: hash === undefined ? undefined : { hash, project: PROJECT },
});
const catalogOf = (views: CatalogView[]): Catalog => ({
  session: { name: "awsuser", superuser: true },
  views,
});

function rows(): StatusRow[] {
  const catalog = catalogOf([
    stored("analytics_dev", "posts", hashOf("analytics_dev", "posts")),
    stored("analytics_dev", "users", "f".repeat(64)),
    stored("analytics_dev", "gone", "e".repeat(64)),
    stored("analytics_dev", "hand_made", undefined),
    stored("analytics_dev_pii", "posts", undefined),
  ]);
  return buildStatusRows({
    project: PROJECT,
    desired,
    catalog,
    mvInfo: [
      { schema: "analytics_dev", name: "posts", isStale: false, state: 1 },
      { schema: "analytics_dev", name: "users", isStale: true, state: 101 },
      { schema: "analytics_dev", name: "gone", isStale: undefined, state: undefined },
    ],
    history: historyOf([
      // posts: created, then refreshed later.
      op("analytics_dev.posts", "create", "FINISHED", 0),
      op("analytics_dev.posts", "refresh", "FINISHED", 10, 13.5),
      // users: its update failed when a refresh started at the same moment: CREATE wins the tie.
      op("analytics_dev.users", "refresh", "FINISHED", 20),
      op("analytics_dev.users", "create", "FAILED", 20, 21, 'ERROR: column "x" does not exist'),
      // pii.users: dropped, then never created again.
      op("analytics_dev_pii.users", "drop", "FINISHED", 5),
      // History of a view the templates no longer name and the catalog does not have: not shown.
      op("analytics_dev.old", "create", "FAILED", 30),
    ]),
  });
}

describe("buildStatusRows", () => {
  it("joins templates, catalog, SVV_MV_INFO and history into one row per view, orphans included", () => {
    const byView = Object.fromEntries(rows().map((row) => [`${row.schema}.${row.view}`, row]));
    expect(Object.keys(byView)).toEqual([
      "analytics_dev.gone",
      "analytics_dev.posts",
      "analytics_dev.users",
      "analytics_dev_pii.posts",
      "analytics_dev_pii.users",
    ]);
    const refreshed = {
      operation: "refresh",
      status: "FINISHED",
      at: "2025-01-01T00:00:10.000Z",
      durationSeconds: 3.5,
      statementId: "id-analytics_dev.posts-refresh",
      by: "ops@laptop",
    };
    expect(byView["analytics_dev.posts"]).toEqual({
      schema: "analytics_dev",
      view: "posts",
      tier: "non_pii",
      model: "Post",
      exists: true,
      stale: false,
      state: 1,
      stateText: "incremental refresh",
      lastOperation: refreshed,
      operations: {
        create: {
          operation: "create",
          status: "FINISHED",
          at: "2025-01-01T00:00:00.000Z",
          durationSeconds: 2,
          statementId: "id-analytics_dev.posts-create",
          by: "ops@laptop",
        },
        refresh: refreshed,
      },
      conditions: [],
    });
    expect(byView["analytics_dev.users"]).toMatchObject({
      stale: true,
      state: 101,
      stateText: "needs rebuild: a source column was dropped",
      lastOperation: { operation: "create", status: "FAILED", error: 'ERROR: column "x" does not exist' },
      conditions: ["out_of_date", "failed_provisioning", "needs_rebuild"],
    });
    expect(byView["analytics_dev.gone"]).toEqual({
      schema: "analytics_dev",
      view: "gone",
      exists: true,
      stale: null,
      state: null,
      stateText: "unknown",
      lastOperation: null,
      operations: {},
      conditions: ["orphan"],
    });
    expect(byView["analytics_dev_pii.posts"]?.conditions).toEqual(["conflict"]);
    expect(byView["analytics_dev_pii.users"]).toMatchObject({
      exists: false,
      stale: null,
      stateText: "does not exist",
      lastOperation: { operation: "drop", status: "FINISHED" },
      conditions: ["missing"],
    });
    expect(rows().some((row) => row.view === "hand_made" || row.view === "old")).toBe(false);
  });

  const posts = (mvInfo: { isStale: boolean; state: number }, records: OperationRecord[], hash?: string) =>
    buildStatusRows({
      desired: desired.filter((view) => view.schema === "analytics_dev" && view.name === "posts"),
      project: PROJECT,
      catalog: catalogOf([stored("analytics_dev", "posts", hash ?? hashOf("analytics_dev", "posts"))]),
      mvInfo: [{ schema: "analytics_dev", name: "posts", ...mvInfo }],
      history: historyOf(records),
    })[0];

  it("marks a failed last REFRESH unrefreshable, and describes every SVV_MV_INFO state", () => {
    const row = posts({ isStale: true, state: 0 }, [
      op("analytics_dev.posts", "create", "FINISHED", 0),
      op("analytics_dev.posts", "refresh", "ABORTED", 2),
    ]);
    expect(row).toMatchObject({ stateText: "full recompute on next refresh", conditions: ["unrefreshable"] });
    expect([0, 1, 99, 100, 101, 102, 103, 104, 105, 200].map((state) => describeMvState(state))).toEqual([
      "full recompute on next refresh",
      "incremental refresh",
      "state 99",
      "needs rebuild (state 100)",
      "needs rebuild: a source column was dropped",
      "needs rebuild: a source column's type changed",
      "needs rebuild: a source table was renamed",
      "needs rebuild: a source column was renamed",
      "needs rebuild: a source schema was renamed",
      "needs rebuild (state 200)",
    ]);
    expect([undefined, 1, 99, 100, 105].map(needsRebuild)).toEqual([false, false, false, true, true]);
    expect(mvInfoQuery(["analytics_dev", "analytics_dev_pii"])).toMatchInlineSnapshot(`
      "SELECT schema_name, name, is_stale, state
      FROM svv_mv_info
      WHERE schema_name IN ('analytics_dev', 'analytics_dev_pii')
      ORDER BY schema_name, name;"
    `);
  });

  it("clears a failed attempt once its effect is gone", () => {
    const failedCreate = op("analytics_dev.posts", "create", "FAILED", 10);
    // The view is at its template (the schema was reverted): the failed CREATE no longer matters.
    expect(posts({ isStale: false, state: 1 }, [failedCreate])?.conditions).toEqual([]);
    // It is not: provisioning failed and the view is still out of date.
    expect(posts({ isStale: false, state: 1 }, [failedCreate], "a".repeat(64))?.conditions).toEqual([
      "out_of_date",
      "failed_provisioning",
    ]);
    // The failure was an attempt at another template (the schema has changed since): only out_of_date.
    const template = hashOf("analytics_dev", "posts");
    const attempt = (hash: string | undefined) => ({
      ...failedCreate,
      ...(hash === undefined ? {} : { hash }),
    });
    expect(
      posts({ isStale: false, state: 1 }, [attempt("c".repeat(64))], "a".repeat(64))?.conditions,
    ).toEqual(["out_of_date"]);
    expect(posts({ isStale: false, state: 1 }, [attempt(template)], "a".repeat(64))?.conditions).toEqual([
      "out_of_date",
      "failed_provisioning",
    ]);
    const failedRefresh = op("analytics_dev.posts", "refresh", "FAILED", 10);
    // A CREATE after it that failed too recomputed nothing.
    expect(
      posts({ isStale: true, state: 1 }, [failedRefresh, op("analytics_dev.posts", "create", "FAILED", 20)])
        ?.conditions,
    ).toEqual(["unrefreshable"]);
    // Rebuilt since (a CREATE computes the view): the failed REFRESH is moot.
    expect(
      posts({ isStale: true, state: 1 }, [failedRefresh, op("analytics_dev.posts", "create", "FINISHED", 20)])
        ?.conditions,
    ).toEqual([]);
    expect(posts({ isStale: true, state: 1 }, [failedRefresh])?.conditions).toEqual(["unrefreshable"]);
    // A statement whose end was never seen is no failure: the catalog says what happened.
    expect(
      posts({ isStale: true, state: 1 }, [op("analytics_dev.posts", "refresh", "SUBMITTED", 10)])?.conditions,
    ).toEqual([]);
  });
});

describe("status output", () => {
  it("CSV is RFC 4180: CRLF line ends, a header, and fields with a comma, quote or line break quoted", () => {
    const base = rows()[1] as StatusRow;
    const tricky: StatusRow = {
      ...base,
      view: 'odd, "quoted"\nname',
      model: "Line\r\nBreak",
      stateText: "plain",
    };
    const csv = formatStatusCsv([base, tricky]);
    expect(csv).toBe(
      [
        "schema,view,tier,model,exists,stale,state,state_text,last_operation,last_status,last_at,last_duration_s,conditions,last_statement_id,last_error,last_by,create_status,create_error,refresh_status,refresh_error,foreign_project",
        "analytics_dev,posts,non_pii,Post,true,false,1,incremental refresh,refresh,FINISHED,2025-01-01T00:00:10.000Z,3.5,,id-analytics_dev.posts-refresh,,ops@laptop,FINISHED,,FINISHED,,",
        'analytics_dev,"odd, ""quoted""\nname",non_pii,"Line\r\nBreak",true,false,1,plain,refresh,FINISHED,2025-01-01T00:00:10.000Z,3.5,,id-analytics_dev.posts-refresh,,ops@laptop,FINISHED,,FINISHED,,',
        "",
      ].join("\r\n"),
    );
    expect(parseCsv(csv)[2]?.[1]).toBe('odd, "quoted"\nname');
    expect(parseCsv(csv)[2]?.[3]).toBe("Line\r\nBreak");
    // Every record has as many fields as the header.
    expect(new Set(parseCsv(formatStatusCsv(rows())).map((record) => record.length))).toEqual(new Set([21]));
    const users = parseCsv(formatStatusCsv(rows())).find((record) => record[1] === "users");
    expect(users?.[12]).toBe("out_of_date failed_provisioning needs_rebuild");
    // The failed CREATE's error, in its own column whichever operation ran last.
    expect(users?.slice(16)).toEqual(["FAILED", 'ERROR: column "x" does not exist', "FINISHED", "", ""]);
    expect(formatStatusCsv([])).toBe(
      "schema,view,tier,model,exists,stale,state,state_text,last_operation,last_status,last_at,last_duration_s,conditions,last_statement_id,last_error,last_by,create_status,create_error,refresh_status,refresh_error,foreign_project\r\n",
    );
  });

  it("JSON rows validate against docs/schemas/status.schema.json", () => {
    const json = JSON.parse(
      JSON.stringify({
        version: 1,
        environment: "dev",
        history: "recorded",
        access: "audited",
        sources: "checked",
        views: rows(),
      }),
    );
    expect(checkJson(statusSchema, json)).toEqual([]);
    expect(
      checkJson(statusSchema, {
        version: 1,
        environment: "dev",
        history: "recorded",
        access: "audited",
        sources: "checked",
        views: [{ ...rows()[0], conditions: ["bad"] }],
      }),
    ).toEqual(["/views/0/conditions/0: must be equal to one of the allowed values"]);
  });

  it("the table shows problems and staleness at a glance", () => {
    expect(formatStatusTable(rows(), plain)).toMatchInlineSnapshot(`
      "VIEW                     TIER     STALE  STATE                                       LAST OPERATION (UTC)                          PROBLEMS
      analytics_dev.gone       -        -      unknown                                     -                                             orphan
      analytics_dev.posts      non-PII  fresh  incremental refresh                         refresh finished 2025-01-01 00:00:10 (3.5 s)  ok
      analytics_dev.users      non-PII  stale  needs rebuild: a source column was dropped  create failed 2025-01-01 00:00:20 (1.0 s)     out_of_date, failed_provisioning, needs_rebuild
      analytics_dev_pii.posts  PII      -      unknown                                     -                                             conflict
      analytics_dev_pii.users  PII      -      does not exist                              drop finished 2025-01-01 00:00:05 (2.0 s)     missing

      Last errors:
        analytics_dev.users: create failed: ERROR: column "x" does not exist

      5 views: 4 with problems, 3 stale (or of unknown staleness), 0 not refreshed since created."
    `);
  });
});

/** A strict RFC 4180 reader, to check that what we write reads back. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let index = 0;
  while (index < text.length) {
    if (text[index] === '"') {
      index++;
      for (;;) {
        const quote = text.indexOf('"', index);
        if (quote < 0) throw new Error("unterminated quoted field");
        field += text.slice(index, quote);
        index = quote + 1;
        if (text[index] === '"') {
          field += '"';
          index++;
        } else break;
      }
    }
    const char = text[index];
    if (char === ",") {
      record.push(field);
      field = "";
      index++;
    } else if (char === "\r" && text[index + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      index += 2;
    } else if (char === undefined) {
      break;
    } else {
      if (char === '"' || char === "\n" || char === "\r")
        throw new Error(`bare ${JSON.stringify(char)} at ${index}`);
      field += char;
      index++;
    }
  }
  if (field !== "" || record.length > 0) throw new Error("the last record has no CRLF");
  return records;
}
