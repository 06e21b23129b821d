import type { DesiredView } from "../desired/desired-views.js";
import { RedshiftViewsError } from "../errors.js";
import type { MvInfo } from "../state/mv-info.js";

export interface RefreshSelection {
  /** Views to refresh, with why. */
  readonly targets: readonly {
    readonly schema: string;
    readonly name: string;
    /** `failed`: fresh, but its last refresh failed (status calls it unrefreshable until one succeeds). */
    readonly reason: "stale" | "unknown" | "requested" | "failed";
  }[];
  /** Fresh views left alone. */
  readonly fresh: readonly { readonly schema: string; readonly name: string }[];
  /** Templates whose view does not exist: provision first. */
  readonly missing: readonly { readonly schema: string; readonly name: string }[];
  /** Views of a template's name that this tool did not create: never refreshed by it. */
  readonly conflicts: readonly { readonly schema: string; readonly name: string }[];
}

/**
 * Which managed views to refresh: the stale ones (unknown staleness counts as stale) and those whose
 * last refresh failed, every one with `all`, or the one named by `view` (`schema.view`, or `view`
 * when the name is unambiguous).
 */
export function selectRefreshTargets(
  desired: readonly DesiredView[],
  mvInfo: readonly MvInfo[],
  options: {
    readonly all?: boolean;
    readonly view?: string | undefined;
    /** `schema.view` of the views that carry this tool's marker; others of the same name are not touched. */
    readonly managed?: ReadonlySet<string>;
    /** `schema.view` of the views whose last refresh failed (see `refreshFailed`). */
    readonly failed?: ReadonlySet<string>;
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
    else if (options.failed?.has(`${view.schema}.${view.name}`) === true)
      targets.push({ ...ref, reason: "failed" });
    else fresh.push(ref);
  }
  return { targets, fresh, missing, conflicts };
}
