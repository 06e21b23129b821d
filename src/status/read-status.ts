import { readCatalog } from "../provision/catalog.js";
import { desiredViews } from "../provision/desired-views.js";
import { managedSchemas, type WarehouseSession } from "../provision/session.js";
import { statementName, statementNamePrefix } from "../warehouse/index.js";
import { readMvInfo } from "./mv-info.js";
import { buildStatusRows, type StatusRow } from "./status.js";

/**
 * Three reads whatever the number of views: the catalog's hashes, `SVV_MV_INFO`, and this
 * environment's statement history (`ListStatements` by name prefix, paginated).
 */
export async function readStatus(session: WarehouseSession): Promise<StatusRow[]> {
  const { environment, prepared, target, warehouse } = session;
  const desired = desiredViews(prepared.specs, environment, target.grants);
  const schemas = managedSchemas(prepared, environment);
  const [catalog, mvInfo, statements] = await Promise.all([
    readCatalog(warehouse, schemas, statementName(environment, "catalog")),
    readMvInfo(warehouse, schemas, statementName(environment, "catalog")),
    warehouse.listStatements({ namePrefix: statementNamePrefix(environment) }),
  ]);
  return buildStatusRows({
    environment,
    desired,
    catalog,
    mvInfo,
    statements: statements.flatMap((statement) =>
      statement.name === undefined || statement.createdAt === undefined
        ? []
        : [
            {
              name: statement.name,
              status: statement.status,
              createdAt: statement.createdAt,
              updatedAt: statement.updatedAt ?? statement.createdAt,
            },
          ],
    ),
  });
}
