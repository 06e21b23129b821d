/**
 * PostgreSQL's schema for tables of models without `@@schema`, and Prisma's, unless the connection
 * URL names another one. Prisma does not pass that URL setting to generators; a source whose tables
 * all live in another schema names it in `sourceSchema`'s two-part form.
 */
const DEFAULT_SOURCE_SCHEMA = "public";

/**
 * The schema zero-ETL replicates a model's table into: the one its `@@schema` names (zero-ETL keeps a
 * PostgreSQL source's schemas), else the one `sourceSchema` names, else PostgreSQL's default.
 */
export function replicatedSchema(
  modelSchema: string | null | undefined,
  sourceSchema: string | undefined,
): string {
  return modelSchema ?? sourceSchema ?? DEFAULT_SOURCE_SCHEMA;
}
