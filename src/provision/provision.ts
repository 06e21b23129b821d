import { statementName } from "../warehouse/index.js";
import { readCatalog } from "./catalog.js";
import { type DesiredView, desiredViews } from "./desired-views.js";
import { type ProvisionPlan, planProvision } from "./plan.js";
import { managedSchemas, type WarehouseSession } from "./session.js";

/** Templates → desired views → one catalog read → plan. Submits nothing but the catalog query. */
export async function buildPlan(
  session: WarehouseSession,
): Promise<{ plan: ProvisionPlan; desired: DesiredView[] }> {
  const { environment, prepared, target } = session;
  const desired = desiredViews(prepared.specs, environment, target.grants);
  const schemas = managedSchemas(prepared, environment);
  const catalog = await readCatalog(session.warehouse, schemas, statementName(environment, "catalog"));
  return { plan: planProvision(environment, desired, catalog, schemas), desired };
}
