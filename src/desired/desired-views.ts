import { createHash } from "node:crypto";
import { markerText } from "../bookkeeping/marker.js";
import type { Tier } from "../classification/levels.js";
import type { Grants } from "../config/index.js";
import { renderStatement } from "../sql/render.js";
import type { Principal, Relation, Statement } from "../sql/statement.js";
import { hashDdl, renderTemplate } from "../templates/render-template.js";
import { renderViewDdl } from "../templates/render-view.js";
import type { ColumnComment, ViewSpec } from "../views/view-spec.js";
import { MAX_BATCH_STATEMENTS } from "../warehouse/index.js";

/** A view as the templates say it should be in one environment. */
export interface DesiredView {
  readonly schema: string;
  readonly name: string;
  readonly tier: Tier;
  readonly model: string;
  readonly fileName: string;
  readonly firstColumn: string;
  /** The replicated table it reads, the environment filled in. */
  readonly source: { readonly database: string; readonly schema: string; readonly table: string };
  /** `CREATE MATERIALIZED VIEW …;` with the environment filled in: what the hash covers, with the grants. */
  readonly ddl: string;
  /** Granted SELECT with every rebuild (the tier's configured grantees). */
  readonly grantees: readonly Principal[];
  /** SHA-256 over the DDL and the grants: the identity stored on the view. */
  readonly hash: string;
  /** The project the view belongs to (the generator block's `project`). */
  readonly project: string;
  /** The data dictionary: one comment per column. */
  readonly comments: readonly ColumnComment[];
  /** Short hash of the comments, stored in the marker: a change is applied without a rebuild. */
  readonly commentsHash: string;
}

/** Fills the templates for an environment: what provisioning compares with the warehouse. */
export function desiredViews(
  specs: readonly ViewSpec[],
  environment: string,
  grants: Grants,
  project: string,
): DesiredView[] {
  return specs.map((spec) => {
    const ddl = renderTemplate(renderViewDdl(spec), environment);
    const schema = renderTemplate(spec.viewSchema, environment);
    const grantees = spec.tier === "pii" ? grants.pii : grants.nonPii;
    const view = { schema, name: spec.view };
    const grantSql = grantees.map((grantee) => renderStatement(grantSelect(view, grantee)));
    return {
      schema,
      name: spec.view,
      tier: spec.tier,
      model: spec.model,
      fileName: spec.fileName,
      firstColumn: spec.columns[0] ?? "",
      source: {
        database: renderTemplate(spec.source.database, environment),
        schema: renderTemplate(spec.source.schema, environment),
        table: spec.source.table,
      },
      ddl,
      grantees,
      hash: hashDdl([ddl, ...grantSql].join("\n")),
      project,
      comments: spec.comments,
      commentsHash: createHash("sha256").update(JSON.stringify(spec.comments)).digest("hex").slice(0, 16),
    };
  });
}

function grantSelect(relation: Relation, to: Principal): Statement {
  return { kind: "grant_select", relation, to };
}

/** The marker statement: the first column's comment, with the comments hash once they are all applied. */
function markerStatement(view: DesiredView, withComments: boolean): Statement {
  const relation = { schema: view.schema, name: view.name };
  const first = view.comments.find((comment) => comment.column === view.firstColumn);
  return {
    kind: "comment_on_column",
    relation,
    column: view.firstColumn,
    text: markerText(
      { hash: view.hash, project: view.project, ...(withComments ? { comments: view.commentsHash } : {}) },
      first?.text,
    ),
  };
}

/** The comments of every column but the first (whose comment holds the marker). */
function otherComments(view: DesiredView): Statement[] {
  const relation = { schema: view.schema, name: view.name };
  return view.comments
    .filter((comment) => comment.column !== view.firstColumn)
    .map((comment) => ({ kind: "comment_on_column", relation, column: comment.column, text: comment.text }));
}

/**
 * The transactions that (re)build one view. The first is the rebuild itself: DROP, CREATE, the
 * marker, the column comments and the grants a rebuilt view lost, so a failed CREATE leaves the
 * previous view in place. A view with more columns than a batch holds (40 statements) gets its
 * remaining comments in further transactions; the marker records the comments hash only in the last,
 * so comments left out by a failure are applied by the next provision.
 */
export function rebuildStatements(view: DesiredView, options: { readonly cascade: boolean }): Statement[][] {
  const relation = { schema: view.schema, name: view.name };
  const rebuild: Statement[] = [
    { kind: "drop_materialized_view", view: relation, cascade: options.cascade },
    { kind: "create_materialized_view", ddl: view.ddl },
  ];
  const grants = view.grantees.map((grantee) => grantSelect(relation, grantee));
  const comments = otherComments(view);
  if (rebuild.length + 1 + comments.length + grants.length <= MAX_BATCH_STATEMENTS)
    return [[...rebuild, markerStatement(view, true), ...comments, ...grants]];
  const room = MAX_BATCH_STATEMENTS - rebuild.length - 1 - grants.length;
  return [
    [...rebuild, markerStatement(view, false), ...comments.slice(0, room), ...grants],
    ...commentBatches(view, comments.slice(room)),
  ];
}

/** The transactions that bring a view's column comments and marker up to date, without a rebuild. */
export function commentStatements(view: DesiredView): Statement[][] {
  return commentBatches(view, otherComments(view));
}

function commentBatches(view: DesiredView, comments: readonly Statement[]): Statement[][] {
  const batches: Statement[][] = [];
  for (let index = 0; index < comments.length; index += MAX_BATCH_STATEMENTS - 1)
    batches.push(comments.slice(index, index + MAX_BATCH_STATEMENTS - 1));
  const last = batches[batches.length - 1];
  if (last === undefined) batches.push([markerStatement(view, true)]);
  else last.push(markerStatement(view, true));
  return batches;
}
