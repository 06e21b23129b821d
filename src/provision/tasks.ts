import { commentStatements, rebuildStatements } from "../desired/desired-views.js";
import { itemDependents, type PlanItem, type ProvisionPlan } from "../plan/plan.js";
import { checkIdentifier } from "../sql/quote.js";
import type { Statement } from "../sql/statement.js";
import { blockingDependents } from "../state/dependents.js";
import { compareText } from "../text/compare.js";
import { MAX_BATCH_STATEMENTS, statementName } from "../warehouse/index.js";
import { describeDependents, type TaskView, type ViewAction, type ViewOutcome } from "./outcome.js";

/**
 * A unit of work: one view's rebuild, one view's comments, or one batch of drops. Each batch is a
 * transaction of its own, run in order; a rebuild is one batch unless the view has more columns than
 * a batch holds (its remaining comments follow).
 */
export interface Task {
  readonly action: ViewAction;
  readonly views: readonly TaskView[];
  readonly batches: readonly (readonly Statement[])[];
  /** `StatementName` of its Data API statement. */
  readonly name: string;
}

/** What applying a plan takes, decided before anything is submitted (pure). */
export interface TaskPlan {
  /** Views settled without submitting anything (conflicts, refusals), with the hash a rebuild was for. */
  readonly decided: readonly { readonly outcome: ViewOutcome; readonly hash?: string }[];
  /**
   * One transaction per view schema, before the views in it change: the schema (if missing) and
   * USAGE for its tier's grantees (and revoked from those not configured). A schema whose batch fails
   * fails the views planned in it.
   */
  readonly schemas: readonly SchemaTask[];
  readonly rebuilds: readonly Task[];
  /** Views whose comments only are applied (`COMMENT ON COLUMN`, no rebuild). */
  readonly comments: readonly Task[];
  readonly drops: readonly Task[];
}

interface SchemaTask {
  readonly schema: string;
  readonly statements: readonly Statement[];
  readonly name: string;
}

type Rebuild = Extract<PlanItem, { kind: "add" | "update" }>;
type Comment = Extract<PlanItem, { kind: "comment" }>;
type Drop = Extract<PlanItem, { kind: "drop" }>;

/**
 * Each added or updated view becomes its own transaction (DROP, CREATE, marker, grants), so a failed
 * CREATE leaves the previous view in place; orphans are dropped in batches of up to 40. A view that
 * bound objects depend on is refused unless `cascade`.
 */
export function planTasks(plan: ProvisionPlan, options: { readonly cascade: boolean }): TaskPlan {
  const { cascade } = options;
  const decided: { outcome: ViewOutcome; hash?: string }[] = [];
  const rebuilds: Rebuild[] = [];
  const comments: Comment[] = [];
  const drops: Drop[] = [];
  for (const item of plan.items) {
    switch (item.kind) {
      case "conflict":
        decided.push({
          outcome: {
            kind: "failed",
            action: "conflict",
            schema: item.view.schema,
            name: item.view.name,
            error:
              item.project === undefined
                ? `${item.view.schema}.${item.view.name} exists but was not created by prisma-redshift-views, so it is left alone.`
                : `${item.view.schema}.${item.view.name} is a view of project ${item.project}, so it is left alone.`,
          },
        });
        break;
      case "add":
      case "update":
      case "drop": {
        const refusal = refuse(item, cascade);
        if (refusal !== undefined)
          decided.push({ outcome: refusal, ...(item.kind === "drop" ? {} : { hash: item.view.hash }) });
        else if (item.kind === "drop") drops.push(item);
        else rebuilds.push(item);
        break;
      }
      case "comment":
        comments.push(item);
        break;
      case "unchanged":
      case "unmanaged":
      case "foreign":
        break;
    }
  }
  return {
    decided,
    schemas: schemaTasks(plan, rebuilds, comments),
    rebuilds: rebuilds.map((item): Task => {
      const cascaded = cascade ? blockingDependents(itemDependents(item)) : [];
      const { schema, name, hash } = item.view;
      return {
        action: item.kind,
        views: [{ schema, name, cascaded, hash }],
        batches: rebuildStatements(item.view, { cascade: cascaded.length > 0 }),
        name: statementName(plan.environment, "create", `${schema}.${name}`),
      };
    }),
    comments: comments.map(
      (item): Task => ({
        action: "comment",
        views: [{ schema: item.view.schema, name: item.view.name, cascaded: [] }],
        batches: commentStatements(item.view),
        name: statementName(plan.environment, "comment", `${item.view.schema}.${item.view.name}`),
      }),
    ),
    drops: chunk(drops, MAX_BATCH_STATEMENTS).map((batch): Task => {
      const views = batch.map((item) => ({
        schema: item.schema,
        name: item.name,
        cascaded: cascade ? blockingDependents(itemDependents(item)) : [],
      }));
      const only = views.length === 1 ? views[0] : undefined;
      return {
        action: "drop",
        views,
        batches: [
          views.map(
            (view): Statement => ({
              kind: "drop_materialized_view",
              view: { schema: view.schema, name: view.name },
              cascade: view.cascaded.length > 0,
            }),
          ),
        ],
        name: statementName(
          plan.environment,
          "drop",
          only === undefined ? undefined : `${only.schema}.${only.name}`,
        ),
      };
    }),
  };
}

/**
 * The batch of each schema that has views to build or comment, or USAGE to grant or revoke. With
 * every grant visible, USAGE goes only to grantees that lack it; without, to all of them (GRANT is
 * idempotent).
 */
function schemaTasks(
  plan: ProvisionPlan,
  rebuilds: readonly Rebuild[],
  comments: readonly Comment[],
): SchemaTask[] {
  const built = new Set(rebuilds.map((item) => item.view.schema));
  const touched = new Set([...built, ...comments.map((item) => item.view.schema)]);
  const schemas = [...new Set([...touched, ...(plan.access ?? []).map((access) => access.schema)])].sort(
    compareText,
  );
  return schemas.flatMap((schema): SchemaTask[] => {
    const access = plan.access?.find((candidate) => candidate.schema === schema);
    const grantTo =
      access === undefined
        ? []
        : plan.privilegesComplete === true
          ? access.missing
          : touched.has(schema)
            ? access.grantees
            : [];
    const statements: Statement[] = [
      ...(built.has(schema) ? [{ kind: "create_schema", schema } as const] : []),
      ...grantTo.map((to): Statement => ({ kind: "grant_usage", schema, to })),
      ...(access?.revoke ?? []).map((from): Statement => ({ kind: "revoke_usage", schema, from })),
    ];
    return statements.length === 0
      ? []
      : [{ schema, statements, name: statementName(plan.environment, "schema", schema) }];
  });
}

/** A reason not to submit an item at all: an unsafe identifier, or bound dependents without `--cascade`. */
function refuse(item: Rebuild | Drop, cascade: boolean): ViewOutcome | undefined {
  const schema = item.kind === "drop" ? item.schema : item.view.schema;
  const name = item.kind === "drop" ? item.name : item.view.name;
  const problem = [
    checkIdentifier(schema, "schema"),
    checkIdentifier(name, "view"),
    item.kind === "drop" ? undefined : checkIdentifier(item.view.firstColumn, "column"),
  ].find((candidate) => candidate !== undefined);
  if (problem !== undefined)
    return {
      kind: "failed",
      action: item.kind,
      schema,
      name,
      error: `${problem} Nothing was submitted for it.`,
    };
  const blocking = blockingDependents(itemDependents(item));
  if (blocking.length === 0 || cascade) return undefined;
  const them = blocking.length === 1 ? "it" : "them";
  return {
    kind: "failed",
    action: item.kind,
    schema,
    name,
    error: `Not ${item.kind === "drop" ? "dropped" : "rebuilt"}: ${describeDependents(blocking)} depend${blocking.length === 1 ? "s" : ""} on it, so its DROP would fail. Run again with --cascade to drop ${them} with the view, or drop ${them} first.`,
    dependents: blocking,
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}
