import { createHash } from "node:crypto";
import ejs from "ejs";
import { assertEnvironmentName } from "../environment/environment-name.js";
import { PLACEHOLDER } from "../environment/placeholder.js";
import { RedshiftViewsError } from "../errors.js";
import { HEADER_PREFIX } from "./render-view.js";

/**
 * EJS runs any JavaScript in a tag, and strict mode still lets a tag read globals (`<%= process.pid %>`),
 * so a template whose tags are not all exactly the placeholder is refused before it is rendered.
 */
function assertOnlyPlaceholder(template: string): void {
  if (template.split(PLACEHOLDER).some((part) => part.includes("<%") || part.includes("%>"))) {
    throw new RedshiftViewsError(
      "E_TEMPLATE_INVALID",
      `The template uses an EJS tag other than ${PLACEHOLDER}.`,
      {
        hint: "Templates are generated: run `redshift-views generate` to restore it instead of editing it.",
      },
    );
  }
}

/** Fills `<%= environment %>` in a template. The environment name is validated first: it ends up in SQL. */
export function renderTemplate(template: string, environment: string): string {
  assertEnvironmentName(environment);
  assertOnlyPlaceholder(template);
  // Strict mode: a template that mentions anything but `environment` fails instead of printing "undefined".
  return ejs.render(
    template,
    { environment },
    { strict: true, destructuredLocals: ["environment"], escape: String },
  );
}

/** The template without its generated header: what is hashed and what is sent to Redshift. */
export function stripHeader(sql: string): string {
  return sql.startsWith(HEADER_PREFIX) ? sql.slice(sql.indexOf("\n") + 1) : sql;
}

/**
 * SHA-256 of rendered SQL, header excluded. The provisioner hashes a view's DDL followed by its GRANT
 * statements and stores that on the view, so a change of grants is a change of the view.
 */
export function hashDdl(renderedSql: string): string {
  return createHash("sha256").update(stripHeader(renderedSql)).digest("hex");
}
