import { quote } from "../views/identifiers.js";
import type { StatementOutcome, Warehouse } from "../warehouse/index.js";
import { statementName } from "../warehouse/index.js";
import { rebuildStatements } from "./desired-views.js";
import { itemName, itemSchema, type PlanItem, type ProvisionPlan } from "./plan.js";

/** Redshift's BatchExecuteStatement limit. */
export const MAX_BATCH_STATEMENTS = 40;

/** What happened to one view. Failures are results: one bad view never stops the others. */
export type ViewOutcome =
  | {
      readonly kind: "applied";
      readonly action: "add" | "update" | "drop";
      readonly schema: string;
      readonly name: string;
      readonly durationMs: number;
    }
  | {
      readonly kind: "failed";
      readonly action: "add" | "update" | "drop" | "conflict";
      readonly schema: string;
      readonly name: string;
      readonly error: string;
      readonly sql?: string;
    };

export interface ApplyResult {
  readonly environment: string;
  readonly outcomes: readonly ViewOutcome[];
}

export interface ApplyOptions {
  /** Called as each view finishes, for progress output. */
  readonly onOutcome?: (outcome: ViewOutcome, done: number, total: number) => void;
}

/**
 * Applies a plan: each added/updated view is rebuilt in its own transaction (DROP, CREATE, COMMENT,
 * GRANT), so a failed CREATE leaves the previous view in place; orphans are dropped in batches of up
 * to 40. Everything is submitted at once and the warehouse client caps how many run concurrently.
 */
export async function applyPlan(
  warehouse: Warehouse,
  plan: ProvisionPlan,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const rebuilds = plan.items.filter(
    (item): item is Extract<PlanItem, { kind: "add" | "update" }> =>
      item.kind === "add" || item.kind === "update",
  );
  const drops = plan.items.filter(
    (item): item is Extract<PlanItem, { kind: "drop" }> => item.kind === "drop",
  );
  const conflicts = plan.items.filter(
    (item): item is Extract<PlanItem, { kind: "conflict" }> => item.kind === "conflict",
  );
  const total = rebuilds.length + drops.length + conflicts.length;
  const outcomes: ViewOutcome[] = [];
  const record = (outcome: ViewOutcome) => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome, outcomes.length, total);
  };

  for (const item of conflicts) {
    record({
      kind: "failed",
      action: "conflict",
      schema: item.view.schema,
      name: item.view.name,
      error: `${item.view.schema}.${item.view.name} exists but was not created by prisma-redshift-views, so it is left alone.`,
    });
  }

  if (rebuilds.length > 0) {
    const schemas = [...new Set(rebuilds.map((item) => item.view.schema))].sort();
    const outcome = await warehouse.executeBatch(
      schemas.map((schema) => `CREATE SCHEMA IF NOT EXISTS ${quote(schema)};`),
      { name: statementName(plan.environment, "schema") },
    );
    if (outcome.kind !== "finished") {
      for (const item of rebuilds) record(failure(item.kind, item.view.schema, item.view.name, outcome));
      rebuilds.length = 0;
    }
  }

  await Promise.all([
    ...rebuilds.map(async (item) => {
      const outcome = await warehouse.executeBatch(rebuildStatements(item.view), {
        name: statementName(plan.environment, "create", `${item.view.schema}.${item.view.name}`),
      });
      record(
        outcome.kind === "finished"
          ? {
              kind: "applied",
              action: item.kind,
              schema: item.view.schema,
              name: item.view.name,
              durationMs: outcome.durationMs,
            }
          : failure(item.kind, item.view.schema, item.view.name, outcome),
      );
    }),
    ...chunk(drops, MAX_BATCH_STATEMENTS).map(async (batch) => {
      const outcome = await warehouse.executeBatch(
        batch.map((item) => `DROP MATERIALIZED VIEW IF EXISTS ${quote(item.schema)}.${quote(item.name)};`),
        {
          name: statementName(
            plan.environment,
            "drop",
            batch.length === 1
              ? `${itemSchema(batch[0] as PlanItem)}.${itemName(batch[0] as PlanItem)}`
              : undefined,
          ),
        },
      );
      for (const item of batch) {
        record(
          outcome.kind === "finished"
            ? {
                kind: "applied",
                action: "drop",
                schema: item.schema,
                name: item.name,
                durationMs: outcome.durationMs,
              }
            : failure("drop", item.schema, item.name, outcome),
        );
      }
    }),
  ]);
  return { environment: plan.environment, outcomes: outcomes.sort(byView) };
}

function failure(
  action: "add" | "update" | "drop",
  schema: string,
  name: string,
  outcome: Exclude<StatementOutcome, { kind: "finished" }>,
): ViewOutcome {
  if (outcome.kind === "aborted")
    return { kind: "failed", action, schema, name, error: "The statement was aborted." };
  return {
    kind: "failed",
    action,
    schema,
    name,
    error: outcome.error,
    ...(outcome.failedSql === undefined ? {} : { sql: outcome.failedSql }),
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

function byView(a: ViewOutcome, b: ViewOutcome): number {
  const left = `${a.schema}.${a.name}`;
  const right = `${b.schema}.${b.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function failedOutcomes(result: ApplyResult): Extract<ViewOutcome, { kind: "failed" }>[] {
  return result.outcomes.filter(
    (outcome): outcome is Extract<ViewOutcome, { kind: "failed" }> => outcome.kind === "failed",
  );
}
