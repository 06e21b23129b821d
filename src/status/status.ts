import type { Tier } from "../classification/levels.js";
import type { CatalogView } from "../provision/catalog.js";
import type { DesiredView } from "../provision/desired-views.js";
import { parseStatementName } from "../warehouse/index.js";
import type { MvInfo } from "./mv-info.js";
import { describeMvState, needsRebuild } from "./mv-state.js";

/** A statement this tool ran, as `ListStatements` reports it. */
export interface StatementRecord {
  readonly name: string;
  readonly status: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type Operation = "create" | "refresh" | "drop";

export interface LastOperation {
  readonly operation: Operation;
  readonly status: string;
  readonly at: string;
  /** Seconds from submission to completion. */
  readonly durationSeconds: number;
}

export type ErrorCondition =
  | "missing"
  | "out_of_date"
  | "orphan"
  | "conflict"
  | "failed_provisioning"
  | "unrefreshable"
  | "needs_rebuild";

/** One view's health. The `--format json` output is an array of these. */
export interface StatusRow {
  readonly schema: string;
  readonly view: string;
  /** Absent for orphans (no template). */
  readonly tier?: Tier;
  readonly model?: string;
  readonly exists: boolean;
  /** `null` when unknown (never refreshed counts as stale). */
  readonly stale: boolean | null;
  readonly state: number | null;
  readonly stateText: string;
  readonly lastOperation: LastOperation | null;
  readonly conditions: readonly ErrorCondition[];
}

const PRIORITY: Record<Operation, number> = { create: 3, refresh: 2, drop: 1 };
const FAILED = new Set(["FAILED", "ABORTED"]);

function isOperation(operation: string): operation is Operation {
  return operation in PRIORITY;
}

/** Pure: joins the templates, the catalog, `SVV_MV_INFO` and the statement history into one row per view. */
export function buildStatusRows(input: {
  readonly environment: string;
  readonly desired: readonly DesiredView[];
  readonly catalog: readonly CatalogView[];
  readonly mvInfo: readonly MvInfo[];
  readonly statements: readonly StatementRecord[];
}): StatusRow[] {
  const history = new Map<string, { operation: Operation; record: StatementRecord }[]>();
  for (const record of input.statements) {
    const parsed = parseStatementName(record.name);
    if (parsed?.environment !== input.environment || parsed.view === undefined) continue;
    if (!isOperation(parsed.operation)) continue;
    const list = history.get(parsed.view) ?? [];
    list.push({ operation: parsed.operation, record });
    history.set(parsed.view, list);
  }
  const catalog = new Map(input.catalog.map((view) => [`${view.schema}.${view.name}`, view]));
  const info = new Map(input.mvInfo.map((row) => [`${row.schema}.${row.name}`, row]));

  const row = (schema: string, view: string, template: DesiredView | undefined): StatusRow => {
    const key = `${schema}.${view}`;
    const stored = catalog.get(key);
    const mv = info.get(key);
    const operations = history.get(key) ?? [];
    const latest = (operation: Operation) =>
      operations
        .filter((entry) => entry.operation === operation)
        .sort((a, b) => b.record.createdAt.getTime() - a.record.createdAt.getTime())[0]?.record;
    const last = [...operations].sort(
      (a, b) =>
        b.record.createdAt.getTime() - a.record.createdAt.getTime() ||
        PRIORITY[b.operation] - PRIORITY[a.operation],
    )[0];
    const conditions: ErrorCondition[] = [];
    if (template !== undefined && stored === undefined) conditions.push("missing");
    if (template !== undefined && stored !== undefined && stored.hash === undefined)
      conditions.push("conflict");
    if (template !== undefined && stored?.hash !== undefined && stored.hash !== template.hash)
      conditions.push("out_of_date");
    if (template === undefined) conditions.push("orphan");
    if (FAILED.has(latest("create")?.status ?? "")) conditions.push("failed_provisioning");
    if (FAILED.has(latest("refresh")?.status ?? "")) conditions.push("unrefreshable");
    if (needsRebuild(mv?.state)) conditions.push("needs_rebuild");
    return {
      schema,
      view,
      ...(template === undefined ? {} : { tier: template.tier, model: template.model }),
      exists: stored !== undefined,
      stale: stored === undefined ? null : (mv?.isStale ?? null),
      state: mv?.state ?? null,
      stateText: stored === undefined ? "does not exist" : describeMvState(mv?.state),
      lastOperation:
        last === undefined
          ? null
          : {
              operation: last.operation,
              status: last.record.status,
              at: last.record.createdAt.toISOString(),
              durationSeconds: Math.max(
                0,
                (last.record.updatedAt.getTime() - last.record.createdAt.getTime()) / 1000,
              ),
            },
      conditions,
    };
  };

  const rows = input.desired.map((view) => row(view.schema, view.name, view));
  const wanted = new Set(input.desired.map((view) => `${view.schema}.${view.name}`));
  for (const view of input.catalog) {
    if (view.hash !== undefined && !wanted.has(`${view.schema}.${view.name}`))
      rows.push(row(view.schema, view.name, undefined));
  }
  return rows.sort((a, b) => (`${a.schema}.${a.view}` < `${b.schema}.${b.view}` ? -1 : 1));
}
