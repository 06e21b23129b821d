import { createHash } from "node:crypto";
import ejs from "ejs";
import { RedshiftViewsError } from "../errors.js";
import { ENVIRONMENT_NAME } from "./placeholder.js";
import { HEADER_PREFIX } from "./render-view.js";

export function assertEnvironmentName(environment: string): void {
  if (!ENVIRONMENT_NAME.test(environment)) {
    throw new RedshiftViewsError(
      "E_ENVIRONMENT_INVALID",
      `"${environment}" is not a valid environment name.`,
      {
        hint: "Environment names go into SQL identifiers: use lower-case letters, digits and underscores, starting with a letter (e.g. production).",
      },
    );
  }
}

/** Fills `<%= environment %>` in a template. The environment name is validated first: it ends up in SQL. */
export function renderTemplate(template: string, environment: string): string {
  assertEnvironmentName(environment);
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

/** SHA-256 of a rendered DDL, header excluded: the identity of a view, stored on it by the provisioner. */
export function hashDdl(renderedSql: string): string {
  return createHash("sha256").update(stripHeader(renderedSql)).digest("hex");
}
