const DATASOURCE_BLOCK = /(^|\n)(\s*datasource\s+\w+\s*\{)([^}]*)\}/g;
const URL_LINE = /^(\s*)(url|directUrl|shadowDatabaseUrl)\s*=.*$/gm;

/**
 * Blanks `url`, `directUrl` and `shadowDatabaseUrl` lines inside datasource blocks, keeping every
 * other line where it was so that parser errors still point at the right line.
 */
export function stripDatasourceUrls(schema: string): string {
  return schema.replace(
    DATASOURCE_BLOCK,
    (_match, lead: string, head: string, body: string) => `${lead}${head}${body.replace(URL_LINE, "$1")}}`,
  );
}
