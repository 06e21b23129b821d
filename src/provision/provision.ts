import { statementName } from "../warehouse/index.js";
import { readCatalog } from "./catalog.js";
import { readDependents } from "./dependents.js";
import { type DesiredView, desiredViews } from "./desired-views.js";
import { droppedViews, type ProvisionPlan, planProvision, withDependents } from "./plan.js";
import { managedSchemas, type WarehouseSession } from "./session.js";

/**
 * Templates → desired views → one catalog read → plan, then one query for the dependents of the views
 * the plan drops or rebuilds. Submits nothing but these two queries.
 */
export async function buildPlan(
  session: WarehouseSession,
): Promise<{ plan: ProvisionPlan; desired: DesiredView[] }> {
  const { environment, prepared, target } = session;
  const desired = desiredViews(prepared.specs, environment, target.grants);
  const schemas = managedSchemas(prepared, environment);
  const catalog = await readCatalog(session.warehouse, schemas, statementName(environment, "catalog"));
  const plan = planProvision(environment, desired, catalog, schemas);
  const dependents = await readDependents(
    session.warehouse,
    droppedViews(plan),
    statementName(environment, "catalog", "dependents"),
  );
  return { plan: withDependents(plan, dependents), desired };
}
