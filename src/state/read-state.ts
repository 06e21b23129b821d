import { statementName, type Warehouse } from "../warehouse/index.js";
import { type Catalog, catalogQuery, parseCatalog } from "./catalog.js";
import {
  boundDependentsQuery,
  type Dependent,
  groupDependents,
  materializedDependentsQuery,
} from "./dependents.js";
import { type MvInfo, mvInfoQuery, parseMvInfo } from "./mv-info.js";
import { type Privileges, parsePrivileges, privilegesQuery } from "./privileges.js";

/**
 * The reads of the warehouse's state that plan, refresh and status share. Each is ONE query whatever
 * the number of views, so a command's cost does not grow with the warehouse.
 */

/** Every relation in the managed schemas, its owner and marker, and who the session is. */
export async function readCatalog(
  warehouse: Warehouse,
  environment: string,
  schemas: readonly string[],
): Promise<Catalog> {
  return parseCatalog(
    await warehouse.query(catalogQuery(schemas), { name: statementName(environment, "catalog") }),
  );
}

/** Staleness and state of every materialized view in the managed schemas (`SVV_MV_INFO`). */
export async function readMvInfo(
  warehouse: Warehouse,
  environment: string,
  schemas: readonly string[],
): Promise<MvInfo[]> {
  return parseMvInfo(
    await warehouse.query(mvInfoQuery(schemas), { name: statementName(environment, "catalog", "mv_info") }),
  );
}

/**
 * What reads the given views, directly or through other views (no query when there are none): the
 * bound views from the PG catalog and the materialized views from SVV_MV_DEPENDENCY, read at once.
 */
export async function readDependents(
  warehouse: Warehouse,
  environment: string,
  views: readonly { schema: string; name: string }[],
): Promise<Map<string, Dependent[]>> {
  if (views.length === 0) return new Map();
  const name = statementName(environment, "catalog", "dependents");
  const [bound, materialized] = await Promise.all([
    warehouse.query(boundDependentsQuery(), { name }),
    warehouse.query(materializedDependentsQuery(), { name }),
  ]);
  return groupDependents(views, bound, materialized);
}

/** Who holds USAGE on the managed schemas and SELECT on their relations, as far as the session sees. */
export async function readPrivileges(
  warehouse: Warehouse,
  environment: string,
  schemas: readonly string[],
): Promise<Privileges> {
  return parsePrivileges(
    await warehouse.query(privilegesQuery(schemas), {
      name: statementName(environment, "catalog", "privileges"),
    }),
  );
}
