import type { Tier } from "../classification/levels.js";
import type { DesiredView } from "../desired/desired-views.js";
import {
  isFailed,
  type OperationRecord,
  type RecordedStatus,
  refreshFailed,
  VIEW_OPERATIONS,
  type ViewHistory,
  type ViewOperation,
} from "../history/operation-record.js";
import { renderPrincipal } from "../sql/render.js";
import type { Grantee, Principal } from "../sql/statement.js";
import type { Catalog } from "../state/catalog.js";
import type { MvInfo } from "../state/mv-info.js";
import { type Privileges, sameGrantee } from "../state/privileges.js";
import { sourceKey, type UnsyncedTable } from "../state/source-states.js";
import { compareText } from "../text/compare.js";
import { describeMvState, needsRebuild } from "./mv-state.js";

export type Operation = ViewOperation;

export interface LastOperation {
  readonly operation: Operation;
  readonly status: RecordedStatus;
  /** When the warehouse accepted the statement (ISO 8601, UTC). */
  readonly at: string;
  /** How long it ran; for SUBMITTED (its end never seen), how long the run waited for it. */
  readonly durationSeconds: number;
  readonly statementId?: string;
  /** The warehouse's message, for a failure. */
  readonly error?: string;
  /** `user@host` of the run. */
  readonly by: string;
}

export type ErrorCondition =
  | "missing"
  | "out_of_date"
  | "orphan"
  | "conflict"
  | "failed_provisioning"
  | "unrefreshable"
  | "needs_rebuild"
  /** Someone outside the tier's configured grantees can read the view (SELECT on it, USAGE on its schema). */
  | "unexpected_access"
  /** A configured grantee of the tier cannot read the view. */
  | "missing_access"
  /** A replicated table the view reads is not in the Synced state: it cannot be queried. */
  | "source_not_synced";

/** Who can read a view, from the grants the session sees (see `Privileges.complete`). */
interface ViewAccess {
  /** Principals with SELECT on the view and USAGE on its schema, as written after `TO`. */
  readonly readers: readonly string[];
  /** Readers that are not configured grantees of the view's tier. */
  readonly unexpected: readonly string[];
  /** Configured grantees of the tier that are not readers. */
  readonly missing: readonly string[];
}

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
  /** The latest operation of any kind. */
  readonly lastOperation: LastOperation | null;
  /** The latest operation of each kind this tool recorded on the view. */
  readonly operations: Partial<Record<Operation, LastOperation>>;
  readonly conditions: readonly ErrorCondition[];
  /** Who can read it; absent when the grants could not all be seen, for views of other projects, and for missing views. */
  readonly access?: ViewAccess;
  /**
   * Set on a view of another project sharing the schema (its marker names that project): listed so
   * that nobody wonders, never an orphan, never refreshed or dropped by this one.
   */
  readonly foreignProject?: string;
  /** With `source_not_synced`: the replicated table the view reads and its zero-ETL state. */
  readonly source?: { readonly table: string; readonly state: string };
}

const PRIORITY: Record<Operation, number> = { create: 3, refresh: 2, drop: 1 };

/** Pure: joins the templates, the catalog, `SVV_MV_INFO` and the operation history into one row per view. */
export function buildStatusRows(input: {
  /** This project's id: views whose marker names another project are foreign. */
  readonly project: string;
  readonly desired: readonly DesiredView[];
  readonly catalog: Catalog;
  readonly mvInfo: readonly MvInfo[];
  readonly history: readonly ViewHistory[];
  /** The grants, when the session sees them all (else no access conditions are concluded). */
  readonly privileges?: Privileges | undefined;
  /**
   * Replicated tables that are not Synced, by `<database>.<schema>.<table>`, when the session could
   * read their states (else `source_not_synced` is not concluded).
   */
  readonly unsynced?: ReadonlyMap<string, UnsyncedTable> | undefined;
}): StatusRow[] {
  const catalog = new Map(input.catalog.views.map((view) => [`${view.schema}.${view.name}`, view]));
  const { session } = input.catalog;
  const info = new Map(input.mvInfo.map((row) => [`${row.schema}.${row.name}`, row]));
  const history = new Map(input.history.map((entry) => [`${entry.schema}.${entry.view}`, entry]));

  const row = (schema: string, view: string, template: DesiredView | undefined): StatusRow => {
    const key = `${schema}.${view}`;
    const stored = catalog.get(key);
    const marker = stored?.marker;
    const foreign =
      marker?.project !== undefined && marker.project !== input.project ? marker.project : undefined;
    const mv = info.get(key);
    const recorded = foreign === undefined ? history.get(key) : undefined;
    const conditions: ErrorCondition[] = [];
    if (template !== undefined && stored === undefined) conditions.push("missing");
    if (template !== undefined && stored !== undefined && (marker === undefined || foreign !== undefined))
      conditions.push("conflict");
    if (
      template !== undefined &&
      foreign === undefined &&
      marker !== undefined &&
      marker.hash !== template.hash
    )
      conditions.push("out_of_date");
    if (template === undefined && foreign === undefined) conditions.push("orphan");
    // The history keeps a failure until the next attempt, which may never come: a reverted schema
    // plans nothing. So a failed CREATE counts while the view is not at its template and the failure
    // was an attempt at that very template. A failed REFRESH counts until a refresh succeeds
    // (`refresh` retries it) or a CREATE recomputes the view.
    const create = recorded?.create;
    if (
      template !== undefined &&
      marker?.hash !== template.hash &&
      isFailed(create) &&
      (create?.hash ?? template.hash) === template.hash
    )
      conditions.push("failed_provisioning");
    if (refreshFailed(recorded)) conditions.push("unrefreshable");
    if (needsRebuild(mv?.state)) conditions.push("needs_rebuild");
    const access =
      template === undefined ||
      stored === undefined ||
      foreign !== undefined ||
      input.privileges === undefined
        ? undefined
        : viewAccess(input.privileges, schema, view, template.grantees);
    if (access !== undefined && access.unexpected.length > 0) conditions.push("unexpected_access");
    if (access !== undefined && access.missing.length > 0) conditions.push("missing_access");
    const unsynced = template === undefined ? undefined : input.unsynced?.get(sourceKey(template.source));
    if (unsynced !== undefined) conditions.push("source_not_synced");
    const last = recorded === undefined ? undefined : latestOperation(recorded);
    return {
      schema,
      view,
      ...(template === undefined ? {} : { tier: template.tier, model: template.model }),
      exists: stored !== undefined,
      stale: stored === undefined ? null : (mv?.isStale ?? null),
      state: mv?.state ?? null,
      stateText:
        stored === undefined
          ? "does not exist"
          : mv === undefined &&
              !session.superuser &&
              stored.owner !== undefined &&
              stored.owner !== session.name
            ? `unknown: owned by ${stored.owner}, and SVV_MV_INFO shows ${session.name} only its own views`
            : describeMvState(mv?.state),
      lastOperation: last === undefined ? null : lastOperation(last),
      operations: Object.fromEntries(
        VIEW_OPERATIONS.flatMap((operation) => {
          const record = recorded?.[operation];
          return record === undefined ? [] : [[operation, lastOperation(record)]];
        }),
      ),
      conditions,
      ...(access === undefined ? {} : { access }),
      ...(foreign === undefined ? {} : { foreignProject: foreign }),
      ...(unsynced === undefined ? {} : { source: { table: unsynced.table, state: unsynced.state } }),
    };
  };

  const rows = input.desired.map((view) => row(view.schema, view.name, view));
  const wanted = new Set(input.desired.map((view) => `${view.schema}.${view.name}`));
  for (const view of input.catalog.views) {
    // This project's views without a template (orphans) and other projects' views; a view with an
    // earlier version's marker and no template of this project's may be anyone's: not listed.
    if (view.marker?.project !== undefined && !wanted.has(`${view.schema}.${view.name}`))
      rows.push(row(view.schema, view.name, undefined));
  }
  return rows.sort((a, b) => compareText(a.schema, b.schema) || compareText(a.view, b.view));
}

/** The most recent operation; CREATE > REFRESH > DROP when they started at the same moment. */
function latestOperation(entry: ViewHistory): OperationRecord | undefined {
  const records = VIEW_OPERATIONS.flatMap((operation) => {
    const record = entry[operation];
    return record === undefined ? [] : [record];
  });
  return records.sort(
    (a, b) => b.startedAt.getTime() - a.startedAt.getTime() || PRIORITY[b.operation] - PRIORITY[a.operation],
  )[0];
}

function lastOperation(record: OperationRecord): LastOperation {
  return {
    operation: record.operation,
    status: record.status,
    at: record.startedAt.toISOString(),
    durationSeconds: record.durationMs / 1000,
    ...(record.statementId === undefined ? {} : { statementId: record.statementId }),
    ...(record.error === undefined ? {} : { error: record.error }),
    by: record.by,
  };
}

/** Its last recorded CREATE is newer than any successful refresh: its data is as of its creation. */
export function notRefreshedSinceCreated(row: StatusRow): boolean {
  const { create, refresh } = row.operations;
  if (!row.exists || create?.status !== "FINISHED") return false;
  return refresh?.status !== "FINISHED" || refresh.at < create.at;
}

/**
 * Who can read one view: a principal holding SELECT on it and USAGE on its schema (either may come
 * through PUBLIC). Grants reach a user also through the groups and roles it belongs to; the audit
 * compares principals as granted, which is what the config names.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_GRANT.html
 */
function viewAccess(
  privileges: Privileges,
  schema: string,
  view: string,
  configured: readonly Principal[],
): ViewAccess {
  const usage = privileges.usage.get(schema) ?? [];
  const select = privileges.select.get(`${schema}.${view}`) ?? [];
  const everyone = (list: readonly Grantee[]) => list.some((grantee) => grantee.kind === "public");
  const has = (list: readonly Grantee[], grantee: Grantee) =>
    everyone(list) || list.some((candidate) => sameGrantee(candidate, grantee));
  // Whoever holds SELECT (and, when PUBLIC holds it, whoever holds USAGE) may be a reader.
  const candidates = [...select, ...(everyone(select) ? usage : [])].filter(
    (grantee, index, all) => all.findIndex((other) => sameGrantee(other, grantee)) === index,
  );
  const readers = candidates.filter((grantee) => has(select, grantee) && has(usage, grantee));
  return {
    readers: readers.map(renderPrincipal),
    unexpected: readers
      .filter((reader) => !configured.some((wanted) => sameGrantee(wanted, reader)))
      .map(renderPrincipal),
    missing: configured.filter((wanted) => !(has(select, wanted) && has(usage, wanted))).map(renderPrincipal),
  };
}
