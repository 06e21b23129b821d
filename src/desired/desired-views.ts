import { markerText } from "../bookkeeping/marker.js";
import type { Tier } from "../classification/levels.js";
import type { Grants } from "../config/index.js";
import { renderStatement } from "../sql/render.js";
import type { Principal, Relation, Statement } from "../sql/statement.js";
import { hashDdl, renderTemplate, stripHeader } from "../templates/render-template.js";
import { renderViewTemplate } from "../templates/render-view.js";
import type { ViewSpec } from "../views/view-spec.js";

/** A view as the templates say it should be in one environment. */
export interface DesiredView {
  readonly schema: string;
  readonly name: string;
  readonly tier: Tier;
  readonly model: string;
  readonly fileName: string;
  readonly firstColumn: string;
  /** `CREATE MATERIALIZED VIEW …;` with the environment filled in and no header. */
  readonly ddl: string;
  /** Granted SELECT with every rebuild (the tier's configured grantees). */
  readonly grantees: readonly Principal[];
  /** SHA-256 over the DDL and the grants: the identity stored on the view. */
  readonly hash: string;
}

/** Fills the templates for an environment: what provisioning compares with the warehouse. */
export function desiredViews(specs: readonly ViewSpec[], environment: string, grants: Grants): DesiredView[] {
  return specs.map((spec) => {
    const ddl = stripHeader(renderTemplate(renderViewTemplate(spec), environment)).trimEnd();
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
      ddl,
      grantees,
      hash: hashDdl([ddl, ...grantSql].join("\n")),
    };
  });
}

function grantSelect(relation: Relation, to: Principal): Statement {
  return { kind: "grant_select", relation, to };
}

/**
 * The statements that (re)build one view in a single transaction: DROP, CREATE, the hash marker on
 * the first column (Redshift has no `COMMENT ON MATERIALIZED VIEW`), and the grants a rebuilt view
 * lost. `cascade` drops what depends on the view with it.
 */
export function rebuildStatements(view: DesiredView, options: { readonly cascade: boolean }): Statement[] {
  const relation = { schema: view.schema, name: view.name };
  return [
    { kind: "drop_materialized_view", view: relation, cascade: options.cascade },
    { kind: "create_materialized_view", ddl: view.ddl },
    { kind: "comment_on_column", relation, column: view.firstColumn, text: markerText(view.hash) },
    ...view.grantees.map((grantee) => grantSelect(relation, grantee)),
  ];
}
