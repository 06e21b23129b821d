import { isExposed, TIERS, type Tier } from "../classification/levels.js";
import type { ViewsOptions } from "../schema/generator-options.js";
import { compareText } from "../text/compare.js";
import type { ClassifiedColumn, ExportedTable, ViewSpec } from "./view-spec.js";

export function templateFileName(view: string, tier: Tier): string {
  return tier === "pii" ? `${view}_pii.sql.ejs` : `${view}.sql.ejs`;
}

/** `[restricted] The user's login e-mail.`: the level first, so analysts see it wherever they look. */
function columnComment(column: ClassifiedColumn): string {
  const level = `[${column.classification.level}]`;
  return column.description === undefined ? level : `${level} ${column.description}`;
}

/** One spec per tier per table, skipping tiers with nothing to show; sorted by file name. */
export function buildViewSpecs(
  tables: readonly ExportedTable[],
  options: Pick<ViewsOptions, "viewSchema" | "piiViewSchema">,
): ViewSpec[] {
  const specs: ViewSpec[] = [];
  for (const table of tables) {
    for (const tier of TIERS) {
      const exposed = table.columns.filter((column) => isExposed(column.classification.level, tier));
      const columns = exposed.map((column) => column.column);
      if (columns.length === 0) continue;
      const leadingKey = table.primaryKey[0];
      specs.push({
        tier,
        model: table.model,
        sourceFile: table.sourceFile,
        view: table.view,
        fileName: templateFileName(table.view, tier),
        viewSchema: tier === "pii" ? options.piiViewSchema : options.viewSchema,
        source: { ...table.source, table: table.table },
        columns,
        comments: exposed.map((column) => ({ column: column.column, text: columnComment(column) })),
        distKey: leadingKey !== undefined && columns.includes(leadingKey) ? leadingKey : null,
      });
    }
  }
  return specs.sort((a, b) => compareText(a.fileName, b.fileName));
}
