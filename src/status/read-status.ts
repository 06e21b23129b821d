import { type HistoryRead, readHistory } from "../history/read-history.js";
import { readCatalog } from "../provision/catalog.js";
import { desiredViews } from "../provision/desired-views.js";
import { managedSchemas, type WarehouseSession } from "../provision/session.js";
import { statementName } from "../warehouse/index.js";
import { readMvInfo } from "./mv-info.js";
import { buildStatusRows, type StatusRow } from "./status.js";

export interface StatusReport {
  readonly rows: StatusRow[];
  /** Whether last operations could be read (`empty`: nothing recorded yet in this warehouse). */
  readonly history: HistoryRead["kind"];
  /** Why the history could not be read, when `history` is `unreadable`. */
  readonly historyError?: string;
}

/**
 * Three queries whatever the number of views or how often they ran: the catalog's hashes,
 * `SVV_MV_INFO`, and the operation history the tool writes after every provision and refresh.
 */
export async function readStatus(session: WarehouseSession): Promise<StatusReport> {
  const { environment, prepared, target, warehouse } = session;
  const desired = desiredViews(prepared.specs, environment, target.grants);
  const schemas = managedSchemas(prepared, environment);
  const [catalog, mvInfo, history] = await Promise.all([
    readCatalog(warehouse, schemas, statementName(environment, "catalog")),
    readMvInfo(warehouse, schemas, statementName(environment, "catalog")),
    readHistory(warehouse, environment, schemas),
  ]);
  return {
    rows: buildStatusRows({
      desired,
      catalog,
      mvInfo,
      history: history.kind === "recorded" ? history.views : [],
    }),
    history: history.kind,
    ...(history.kind === "unreadable" ? { historyError: history.error } : {}),
  };
}
