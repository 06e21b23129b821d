import { RedshiftViewsError } from "../errors.js";
import type { Catalog } from "./catalog.js";

/** A view the session may not DROP, REFRESH or COMMENT ON: another user owns it. */
export interface NotOwned {
  readonly schema: string;
  readonly name: string;
  readonly owner: string;
}

/**
 * The views among `views` that the session user does not own, unless it is a superuser: Redshift lets
 * only "the owner of the materialized view, or a superuser" drop or refresh one, and only "a superuser
 * or the owner of a database object" comment on it.
 * https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-drop-sql-command.html
 * https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-refresh-sql-command.html
 * https://docs.aws.amazon.com/redshift/latest/dg/r_COMMENT.html
 */
export function notOwned(
  catalog: Catalog,
  views: readonly { readonly schema: string; readonly name: string }[],
): NotOwned[] {
  if (catalog.session.superuser) return [];
  const owners = new Map(catalog.views.map((view) => [`${view.schema}.${view.name}`, view.owner]));
  return views.flatMap((view) => {
    const owner = owners.get(`${view.schema}.${view.name}`);
    return owner !== undefined && owner !== catalog.session.name ? [{ ...view, owner }] : [];
  });
}

/** Refuses a run before it submits any DDL, naming every view it could not change and its owner. */
export function notOwnedError(
  catalog: Catalog,
  views: readonly NotOwned[],
  doing: string,
): RedshiftViewsError {
  const listed = views
    .slice(0, 10)
    .map((view) => `${view.schema}.${view.name} (owner ${view.owner})`)
    .join(", ");
  const more = views.length > 10 ? ` and ${views.length - 10} more` : "";
  const owners = [...new Set(views.map((view) => view.owner))];
  return new RedshiftViewsError(
    "E_NOT_OWNER",
    `Refusing to ${doing}: ${views.length} view${views.length === 1 ? " is" : "s are"} owned by another user than ${catalog.session.name}, which is not a superuser: ${listed}${more}. Only a view's owner (or a superuser) may drop, refresh or comment on it, so nothing was submitted.`,
    {
      hint: `Run as ${owners.join(" or ")} (the environment's dbUser or secretArn), or have a superuser transfer the views' ownership to ${catalog.session.name}.`,
    },
  );
}
