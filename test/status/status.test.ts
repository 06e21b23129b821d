import { beforeAll, describe, expect, it } from "vitest";
import type { CatalogView } from "../../src/provision/catalog.js";
import { type DesiredView, desiredViews } from "../../src/provision/desired-views.js";
import { formatStatusCsv, formatStatusTable } from "../../src/status/format-status.js";
import { mvInfoQuery } from "../../src/status/mv-info.js";
import { describeMvState, needsRebuild } from "../../src/status/mv-state.js";
import { buildStatusRows, type StatementRecord, type StatusRow } from "../../src/status/status.js";
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

let desired: DesiredView[];
let statusSchema: JsonSchema;

beforeAll(async () => {
  desired = desiredViews((await buildFromText(SCHEMA)).specs, "dev", { nonPii: [], pii: [] });
  statusSchema = await readSchema("status.schema.json");
});

const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1) + seconds * 1000);
const statement = (name: string, status: string, start: number, end = start + 2): StatementRecord => ({
  name,
  status,
  createdAt: at(start),
  updatedAt: at(end),
});
const hashOf = (schemaName: string, name: string) =>
  desired.find((view) => view.schema === schemaName && view.name === name)?.hash;
const plain = { green: String, yellow: String, red: String, dim: String, bold: String };

function rows(): StatusRow[] {
  const catalog: CatalogView[] = [
    { schema: "analytics_dev", name: "posts", hash: hashOf("analytics_dev", "posts") },
    { schema: "analytics_dev", name: "users", hash: "f".repeat(64) },
    { schema: "analytics_dev", name: "gone", hash: "e".repeat(64) },
    { schema: "analytics_dev", name: "hand_made", hash: undefined },
    { schema: "analytics_dev_pii", name: "posts", hash: undefined },
  ];
  return buildStatusRows({
    environment: "dev",
    desired,
    catalog,
    mvInfo: [
      { schema: "analytics_dev", name: "posts", isStale: false, state: 1 },
      { schema: "analytics_dev", name: "users", isStale: true, state: 101 },
      { schema: "analytics_dev", name: "gone", isStale: undefined, state: undefined },
    ],
    statements: [
      // posts: created, then refreshed later.
      statement("redshift-views:dev:create:analytics_dev.posts", "FINISHED", 0),
      statement("redshift-views:dev:refresh:analytics_dev.posts", "FINISHED", 10, 13.5),
      // users: CREATE and REFRESH submitted at the same time: CREATE wins; an older REFRESH failed.
      statement("redshift-views:dev:refresh:analytics_dev.users", "FAILED", 1),
      statement("redshift-views:dev:refresh:analytics_dev.users", "FINISHED", 20),
      statement("redshift-views:dev:create:analytics_dev.users", "FAILED", 20, 21),
      // pii.users: dropped, then never created again.
      statement("redshift-views:dev:drop:analytics_dev_pii.users", "FINISHED", 5),
      // Other environments and operations without a view are ignored.
      statement("redshift-views:prod:create:analytics_dev.posts", "FAILED", 30),
      statement("redshift-views:dev:catalog:", "FINISHED", 40),
      statement("someone-else:dev:create:analytics_dev.posts", "FAILED", 50),
    ],
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
    expect(byView["analytics_dev.posts"]).toEqual({
      schema: "analytics_dev",
      view: "posts",
      tier: "non_pii",
      model: "Post",
      exists: true,
      stale: false,
      state: 1,
      stateText: "incremental refresh",
      lastOperation: {
        operation: "refresh",
        status: "FINISHED",
        at: "2025-01-01T00:00:10.000Z",
        durationSeconds: 3.5,
      },
      conditions: [],
    });
    expect(byView["analytics_dev.users"]).toMatchObject({
      stale: true,
      state: 101,
      stateText: "needs rebuild: a source column was dropped",
      lastOperation: { operation: "create", status: "FAILED" },
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
    expect(rows().some((row) => row.view === "hand_made")).toBe(false);
  });

  it("marks a failed last REFRESH unrefreshable, and describes every SVV_MV_INFO state", () => {
    const [row] = buildStatusRows({
      environment: "dev",
      desired: desired.filter((view) => view.schema === "analytics_dev" && view.name === "posts"),
      catalog: [{ schema: "analytics_dev", name: "posts", hash: hashOf("analytics_dev", "posts") }],
      mvInfo: [{ schema: "analytics_dev", name: "posts", isStale: true, state: 0 }],
      statements: [
        statement("redshift-views:dev:refresh:analytics_dev.posts", "FINISHED", 1),
        statement("redshift-views:dev:refresh:analytics_dev.posts", "ABORTED", 2),
      ],
    });
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
        "schema,view,tier,model,exists,stale,state,state_text,last_operation,last_status,last_at,last_duration_s,conditions",
        "analytics_dev,posts,non_pii,Post,true,false,1,incremental refresh,refresh,FINISHED,2025-01-01T00:00:10.000Z,3.5,",
        'analytics_dev,"odd, ""quoted""\nname",non_pii,"Line\r\nBreak",true,false,1,plain,refresh,FINISHED,2025-01-01T00:00:10.000Z,3.5,',
        "",
      ].join("\r\n"),
    );
    expect(parseCsv(csv)[2]?.[1]).toBe('odd, "quoted"\nname');
    expect(parseCsv(csv)[2]?.[3]).toBe("Line\r\nBreak");
    // Every record has as many fields as the header.
    expect(new Set(parseCsv(formatStatusCsv(rows())).map((record) => record.length))).toEqual(new Set([13]));
    expect(parseCsv(formatStatusCsv(rows())).find((record) => record[1] === "users")?.[12]).toBe(
      "out_of_date failed_provisioning needs_rebuild",
    );
    expect(formatStatusCsv([])).toBe(
      "schema,view,tier,model,exists,stale,state,state_text,last_operation,last_status,last_at,last_duration_s,conditions\r\n",
    );
  });

  it("JSON rows validate against docs/schemas/status.schema.json", () => {
    const json = JSON.parse(JSON.stringify({ version: 1, environment: "dev", views: rows() }));
    expect(checkJson(statusSchema, json)).toEqual([]);
    expect(
      checkJson(statusSchema, {
        version: 1,
        environment: "dev",
        views: [{ ...rows()[0], conditions: ["bad"] }],
      }),
    ).toEqual([
      '$.views[0].conditions[0]: "bad" is not one of ["missing","out_of_date","orphan","conflict","failed_provisioning","unrefreshable","needs_rebuild"]',
    ]);
  });

  it("the table shows problems and staleness at a glance", () => {
    expect(formatStatusTable(rows(), plain)).toMatchInlineSnapshot(`
      "VIEW                     TIER     STALE  STATE                                       LAST OPERATION                                PROBLEMS
      analytics_dev.gone       -        -      unknown                                     -                                             orphan
      analytics_dev.posts      non-PII  fresh  incremental refresh                         refresh finished 2025-01-01 00:00:10 (3.5 s)  ok
      analytics_dev.users      non-PII  stale  needs rebuild: a source column was dropped  create failed 2025-01-01 00:00:20 (1.0 s)     out_of_date, failed_provisioning, needs_rebuild
      analytics_dev_pii.posts  PII      -      unknown                                     -                                             conflict
      analytics_dev_pii.users  PII      -      does not exist                              drop finished 2025-01-01 00:00:05 (2.0 s)     missing

      5 views: 4 with problems, 3 stale or never refreshed."
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
