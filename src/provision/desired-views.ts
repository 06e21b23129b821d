import type { Tier } from "../classification/levels.js";
import { formatGrantee, type Grants } from "../config/index.js";
import { hashDdl, renderTemplate, stripHeader } from "../templates/render-template.js";
import { renderViewTemplate } from "../templates/render-view.js";
import { quote } from "../views/identifiers.js";
import type { ViewSpec } from "../views/view-spec.js";
import { MARKER_PREFIX } from "./marker.js";

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
  /** `GRANT SELECT ON … TO …;` statements re-applied with every rebuild. */
  readonly grants: readonly string[];
  /** SHA-256 over the DDL and the grants: the identity stored on the view. */
  readonly hash: string;
}

/** Fills the templates for an environment: what provisioning compares with the warehouse. */
export function desiredViews(specs: readonly ViewSpec[], environment: string, grants: Grants): DesiredView[] {
  return specs.map((spec) => {
    const ddl = stripHeader(renderTemplate(renderViewTemplate(spec), environment)).trimEnd();
    const schema = renderTemplate(spec.viewSchema, environment);
    const grantees = spec.tier === "pii" ? grants.pii : grants.nonPii;
    const grantStatements = grantees.map(
      (grantee) => `GRANT SELECT ON ${quote(schema)}.${quote(spec.view)} TO ${formatGrantee(grantee)};`,
    );
    const firstColumn = spec.columns[0] ?? "";
    return {
      schema,
      name: spec.view,
      tier: spec.tier,
      model: spec.model,
      fileName: spec.fileName,
      firstColumn,
      ddl,
      grants: grantStatements,
      hash: hashDdl([ddl, ...grantStatements].join("\n")),
    };
  });
}

/** The statements that (re)build one view in a single transaction. */
export function rebuildStatements(view: DesiredView): string[] {
  const target = `${quote(view.schema)}.${quote(view.name)}`;
  return [
    `DROP MATERIALIZED VIEW IF EXISTS ${target};`,
    view.ddl,
    `COMMENT ON COLUMN ${target}.${quote(view.firstColumn)} IS '${MARKER_PREFIX}${view.hash}';`,
    ...view.grants,
  ];
}
