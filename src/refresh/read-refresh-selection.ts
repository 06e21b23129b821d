import { refreshFailed } from "../history/operation-record.js";
import { readHistory } from "../history/read-history.js";
import { readCatalog } from "../provision/catalog.js";
import { desiredViews } from "../provision/desired-views.js";
import { managedSchemas, type WarehouseSession } from "../provision/session.js";
import { readMvInfo } from "../status/mv-info.js";
import { statementName } from "../warehouse/index.js";
import { type RefreshSelection, selectRefreshTargets } from "./refresh.js";

/**
 * Reads what `selectRefreshTargets` needs in three queries (staleness, the catalog's markers, the
 * operation history), whatever the number of views, and selects.
 */
export async function readRefreshSelection(
  session: WarehouseSession,
  options: { readonly all?: boolean; readonly view?: string | undefined },
): Promise<RefreshSelection> {
  const { environment, prepared, target, warehouse } = session;
  const schemas = managedSchemas(prepared, environment);
  const [mvInfo, catalog, history] = await Promise.all([
    readMvInfo(warehouse, schemas, statementName(environment, "catalog")),
    readCatalog(warehouse, schemas, statementName(environment, "catalog")),
    readHistory(warehouse, environment, schemas),
  ]);
  const key = (view: { schema: string; name?: string; view?: string }) =>
    `${view.schema}.${view.name ?? view.view}`;
  return selectRefreshTargets(desiredViews(prepared.specs, environment, target.grants), mvInfo, {
    ...options,
    managed: new Set(catalog.filter((view) => view.hash !== undefined).map(key)),
    failed: new Set((history.kind === "recorded" ? history.views : []).filter(refreshFailed).map(key)),
  });
}
