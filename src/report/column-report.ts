import type { Level } from "../classification/levels.js";
import { isExposed } from "../classification/levels.js";
import { alignColumns, type Paint } from "../text/align-columns.js";
import type { ExportedTable } from "../views/view-spec.js";

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
