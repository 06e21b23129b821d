import { RedshiftViewsError, toRedshiftViewsErrors } from "../errors.js";
import type { DesiredView } from "../provision/desired-views.js";
import type { MvInfo } from "../status/mv-info.js";
import { quote } from "../views/identifiers.js";
import { statementName, type Warehouse } from "../warehouse/index.js";

export interface RefreshSelection {
  /** Views to refresh, with why. */
  readonly targets: readonly {
    readonly schema: string;
    readonly name: string;
    readonly reason: "stale" | "unknown" | "requested";
  }[];
  /** Fresh views left alone. */
  readonly fresh: readonly { readonly schema: string; readonly name: string }[];
  /** Templates whose view does not exist: provision first. */
  readonly missing: readonly { readonly schema: string; readonly name: string }[];
  /** Views of a template's name that this tool did not create: never refreshed by it. */
  readonly conflicts: readonly { readonly schema: string; readonly name: string }[];
}

/**
 * Which managed views to refresh: the stale ones (unknown staleness counts as stale), every one with
 * `all`, or the one named by `view` (`schema.view`, or `view` when the name is unambiguous).
 */
export function selectRefreshTargets(
  desired: readonly DesiredView[],
  mvInfo: readonly MvInfo[],
  options: {
    readonly all?: boolean;
    readonly view?: string | undefined;
    /** `schema.view` of the views that carry this tool's marker; others of the same name are not touched. */
    readonly managed?: ReadonlySet<string>;
  },
): RefreshSelection {
  const info = new Map(mvInfo.map((row) => [`${row.schema}.${row.name}`, row]));
  let views = desired;
  if (options.view !== undefined) {
    const wanted = options.view;
    views = desired.filter((view) => `${view.schema}.${view.name}` === wanted || view.name === wanted);
    if (views.length === 0) {
      throw new RedshiftViewsError("E_VIEW_UNKNOWN", `No managed view is called "${wanted}".`, {
        location: { view: wanted },
        hint: "Use schema.view as listed by `redshift-views status <env>`.",
      });
    }
    if (views.length > 1) {
      throw new RedshiftViewsError("E_VIEW_AMBIGUOUS", `"${wanted}" names ${views.length} views.`, {
        location: { view: wanted },
        hint: `Qualify it with its schema: ${views.map((view) => `${view.schema}.${view.name}`).join(" or ")}.`,
      });
    }
  }
  const targets: RefreshSelection["targets"][number][] = [];
  const fresh: RefreshSelection["fresh"][number][] = [];
  const missing: RefreshSelection["missing"][number][] = [];
  const conflicts: RefreshSelection["conflicts"][number][] = [];
  for (const view of views) {
    const ref = { schema: view.schema, name: view.name };
    const row = info.get(`${view.schema}.${view.name}`);
    if (row === undefined) missing.push(ref);
    else if (options.managed !== undefined && !options.managed.has(`${view.schema}.${view.name}`))
      conflicts.push(ref);
    else if (options.all === true || options.view !== undefined)
      targets.push({ ...ref, reason: "requested" });
    else if (row.isStale === undefined) targets.push({ ...ref, reason: "unknown" });
    else if (row.isStale) targets.push({ ...ref, reason: "stale" });
    else fresh.push(ref);
  }
  return { targets, fresh, missing, conflicts };
}

export type RefreshOutcome =
  | {
      readonly kind: "refreshed";
      readonly schema: string;
      readonly name: string;
      readonly durationMs: number;
    }
  | { readonly kind: "failed"; readonly schema: string; readonly name: string; readonly error: string };

/** One `REFRESH MATERIALIZED VIEW` per view, all submitted at once under the client's concurrency cap. */
export async function refreshViews(
  warehouse: Warehouse,
  environment: string,
  targets: RefreshSelection["targets"],
  onOutcome?: (outcome: RefreshOutcome, done: number, total: number) => void,
): Promise<RefreshOutcome[]> {
  const outcomes: RefreshOutcome[] = [];
  await Promise.all(
    targets.map(async ({ schema, name }) => {
      // A warehouse error (credentials, network) fails this view, not the whole run: the others report.
      const outcome = await warehouse
        .execute(`REFRESH MATERIALIZED VIEW ${quote(schema)}.${quote(name)};`, {
          name: statementName(environment, "refresh", `${schema}.${name}`),
        })
        .then(
          (result): RefreshOutcome =>
            result.kind === "finished"
              ? { kind: "refreshed", schema, name, durationMs: result.durationMs }
              : {
                  kind: "failed",
                  schema,
                  name,
                  error: result.kind === "failed" ? result.error : "The statement was aborted.",
                },
          (error: unknown): RefreshOutcome => ({
            kind: "failed",
            schema,
            name,
            error: toRedshiftViewsErrors(error)[0]?.message ?? String(error),
          }),
        );
      outcomes.push(outcome);
      onOutcome?.(outcome, outcomes.length, targets.length);
    }),
  );
  return outcomes.sort((a, b) => (`${a.schema}.${a.name}` < `${b.schema}.${b.name}` ? -1 : 1));
}
