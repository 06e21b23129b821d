import { describe, expect, it } from "vitest";
import type { DesiredView } from "../../src/desired/desired-views.js";
import { selectRefreshTargets } from "../../src/refresh/select.js";
import type { MvInfo } from "../../src/state/mv-info.js";
import { caughtErrors } from "../helpers/index.js";

// Which views `refresh` refreshes, and why (pure).

const view = (schema: string, name: string): DesiredView => ({
  schema,
  name,
  tier: schema.endsWith("_pii") ? "pii" : "non_pii",
  model: "M",
  fileName: `${name}.sql.ejs`,
  firstColumn: "id",
  ddl: "CREATE MATERIALIZED VIEW …",
  grantees: [],
  hash: "a".repeat(64),
  project: "app",
  comments: [],
  commentsHash: "0".repeat(16),
  source: { database: "app_zeroetl", schema: "app", table: "t" },
});

const desired = [
  view("analytics", "stale_one"),
  view("analytics", "unknown_one"),
  view("analytics", "fresh_one"),
  view("analytics", "failed_one"),
  view("analytics", "missing_one"),
  view("analytics", "foreign_one"),
  view("analytics_pii", "fresh_one"),
];

const info = (name: string, isStale: boolean | undefined, schema = "analytics"): MvInfo => ({
  schema,
  name,
  isStale,
  state: 1,
});

const mvInfo = [
  info("stale_one", true),
  info("unknown_one", undefined),
  info("fresh_one", false),
  info("failed_one", false),
  info("foreign_one", true),
  info("fresh_one", false, "analytics_pii"),
];

const managed = new Set(
  ["stale_one", "unknown_one", "fresh_one", "failed_one"]
    .map((name) => `analytics.${name}`)
    .concat("analytics_pii.fresh_one"),
);

describe("selectRefreshTargets", () => {
  it("takes stale, unknown and last-failed views; leaves fresh, missing and foreign ones, saying which", () => {
    expect(
      selectRefreshTargets(desired, mvInfo, { managed, failed: new Set(["analytics.failed_one"]) }),
    ).toEqual({
      targets: [
        { schema: "analytics", name: "stale_one", reason: "stale" },
        { schema: "analytics", name: "unknown_one", reason: "unknown" },
        { schema: "analytics", name: "failed_one", reason: "failed" },
      ],
      fresh: [
        { schema: "analytics", name: "fresh_one" },
        { schema: "analytics_pii", name: "fresh_one" },
      ],
      missing: [{ schema: "analytics", name: "missing_one" }],
      conflicts: [{ schema: "analytics", name: "foreign_one" }],
    });
  });

  it("with --all takes every managed view that exists; with --view, the one named", () => {
    const all = selectRefreshTargets(desired, mvInfo, { all: true, managed });
    expect(all.targets.map((target) => `${target.schema}.${target.name} ${target.reason}`)).toEqual([
      "analytics.stale_one requested",
      "analytics.unknown_one requested",
      "analytics.fresh_one requested",
      "analytics.failed_one requested",
      "analytics_pii.fresh_one requested",
    ]);
    expect(all.missing).toHaveLength(1);
    expect(all.conflicts).toHaveLength(1);
    for (const name of ["analytics_pii.fresh_one", "failed_one"])
      expect(selectRefreshTargets(desired, mvInfo, { view: name, managed }).targets).toHaveLength(1);
  });

  it("refuses an ambiguous or unknown --view, naming the candidates", async () => {
    const [ambiguous] = await caughtErrors(() =>
      selectRefreshTargets(desired, mvInfo, { view: "fresh_one" }),
    );
    expect(ambiguous).toMatchObject({
      code: "E_VIEW_AMBIGUOUS",
      hint: expect.stringContaining("analytics.fresh_one or analytics_pii.fresh_one"),
    });
    const [unknown] = await caughtErrors(() => selectRefreshTargets(desired, mvInfo, { view: "nope" }));
    expect(unknown).toMatchObject({ code: "E_VIEW_UNKNOWN", location: { view: "nope" } });
  });
});
