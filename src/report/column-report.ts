import type { Level } from "../classification/levels.js";
import { isExposed, TIERS } from "../classification/levels.js";
import { PLACEHOLDER } from "../environment/placeholder.js";
import { alignColumns, type Paint } from "../text/align-columns.js";
import type { ExportedTable, ViewSpec } from "../views/view-spec.js";

/** One column of an exported model: where it ends up and whether anybody decided that. */
export interface ColumnReportRow {
  readonly model: string;
  /** The schema the table is replicated into (may contain the environment placeholder). */
  readonly sourceSchema: string;
  readonly table: string;
  /** The name of the table's views. */
  readonly view: string;
  readonly field: string;
  readonly column: string;
  readonly type: string;
  readonly level: Level;
  readonly source: "annotated" | "default";
  readonly inNonPiiView: boolean;
  readonly inPiiView: boolean;
  /** The field's doc comment without its annotation lines (the data dictionary's description). */
  readonly description?: string;
}

export function columnReport(tables: readonly ExportedTable[]): ColumnReportRow[] {
  return tables.flatMap((table) =>
    table.columns.map((column) => ({
      model: table.model,
      sourceSchema: table.source.schema,
      table: table.table,
      view: table.view,
      field: column.field,
      column: column.column,
      type: column.type,
      level: column.classification.level,
      source: column.classification.source,
      inNonPiiView: isExposed(column.classification.level, "non_pii"),
      inPiiView: isExposed(column.classification.level, "pii"),
      ...(column.description === undefined ? {} : { description: column.description }),
    })),
  );
}

const views = (row: ColumnReportRow) =>
  row.inNonPiiView ? "non-PII + PII" : row.inPiiView ? "PII only" : "none";

/** Defaulted columns are marked, so reviewers see what nobody classified. */
export function formatReportTable(rows: readonly ColumnReportRow[], paint: Paint): string {
  const header = ["MODEL.FIELD", "SCHEMA", "COLUMN", "TYPE", "LEVEL", "SOURCE", "VIEWS"];
  const body = rows.map((row) => [
    `${row.model}.${row.field}`,
    row.sourceSchema,
    row.column,
    row.type,
    row.level,
    row.source === "default" ? "default ⚠" : "annotated",
    views(row),
  ]);
  const [head = "", ...aligned] = alignColumns([header, ...body]);
  const defaulted = rows.filter((row) => row.source === "default").length;
  return [
    paint.bold(head),
    ...aligned.map((line, index) => (rows[index]?.source === "default" ? paint.yellow(line) : line)),
    "",
    `${rows.length} columns, ${defaulted} classified by the fail-safe default${defaulted === 0 ? "" : " (⚠): add /// @classification to make them explicit"}.`,
  ].join("\n");
}

export function formatReportMarkdown(rows: readonly ColumnReportRow[]): string {
  const lines = [
    "| model.field | schema | column | type | level | source | views |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const source = row.source === "default" ? "**default**" : "annotated";
    lines.push(
      `| ${row.model}.${row.field} | \`${row.sourceSchema}\` | \`${row.column}\` | ${row.type} | ${row.level} | ${source} | ${views(row)} |`,
    );
  }
  return lines.join("\n");
}

/**
 * The data dictionary analysts read, per tier: each view with its columns' types, levels and
 * descriptions (the same text the views carry as column comments). Markdown, for a wiki or a README.
 */
export function formatDictionaryMarkdown(
  specs: readonly ViewSpec[],
  tables: readonly ExportedTable[],
): string {
  const columnOf = new Map(
    tables.flatMap((table) =>
      table.columns.map((column) => [`${table.model}.${column.column}`, column] as const),
    ),
  );
  const shown = (name: string) => name.replaceAll(PLACEHOLDER, "<environment>");
  const lines = ["# Data dictionary", ""];
  for (const tier of TIERS) {
    const views = specs.filter((spec) => spec.tier === tier);
    if (views.length === 0) continue;
    const schemas = [...new Set(views.map((spec) => shown(spec.viewSchema)))].map((name) => `\`${name}\``);
    lines.push(`## ${tier === "pii" ? "PII" : "Non-PII"} views (${schemas.join(", ")})`, "");
    for (const spec of views) {
      lines.push(
        `### \`${spec.view}\` (model ${spec.model})`,
        "",
        "| column | type | level | description |",
        "|---|---|---|---|",
      );
      for (const name of spec.columns) {
        const column = columnOf.get(`${spec.model}.${name}`);
        const description = (column?.description ?? "").replaceAll("|", "\\|");
        lines.push(
          `| \`${name}\` | ${column?.type ?? ""} | ${column?.classification.level ?? ""} | ${description} |`,
        );
      }
      lines.push("");
    }
  }
  return lines.join("\n").trimEnd();
}
