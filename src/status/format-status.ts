import { notRefreshedSinceCreated, type StatusRow } from "../health/status-rows.js";
import { alignColumns, type Paint } from "../text/align-columns.js";

const CSV_COLUMNS = [
  "schema",
  "view",
  "tier",
  "model",
  "exists",
  "stale",
  "state",
  "state_text",
  "last_operation",
  "last_status",
  "last_at",
  "last_duration_s",
  "conditions",
  "last_statement_id",
  "last_error",
  "last_by",
  "create_status",
  "create_error",
  "refresh_status",
  "refresh_error",
  "foreign_project",
] as const;

function cells(row: StatusRow): string[] {
  return [
    row.schema,
    row.view,
    row.tier ?? "",
    row.model ?? "",
    String(row.exists),
    row.stale === null ? "" : String(row.stale),
    row.state === null ? "" : String(row.state),
    row.stateText,
    row.lastOperation?.operation ?? "",
    row.lastOperation?.status ?? "",
    row.lastOperation?.at ?? "",
    row.lastOperation === null ? "" : row.lastOperation.durationSeconds.toFixed(1),
    row.conditions.join(" "),
    row.lastOperation?.statementId ?? "",
    row.lastOperation?.error ?? "",
    row.lastOperation?.by ?? "",
    // The operations behind failed_provisioning and unrefreshable, whichever ran last.
    row.operations.create?.status ?? "",
    row.operations.create?.error ?? "",
    row.operations.refresh?.status ?? "",
    row.operations.refresh?.error ?? "",
    row.foreignProject ?? "",
  ];
}

/** RFC 4180: CRLF line ends; fields with a comma, quote or line break are quoted, quotes doubled. */
export function formatStatusCsv(rows: readonly StatusRow[]): string {
  const field = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return `${[CSV_COLUMNS as readonly string[], ...rows.map(cells)].map((line) => line.map(field).join(",")).join("\r\n")}\r\n`;
}

/** Aligned columns for people; problems in red, stale in yellow. */
export function formatStatusTable(rows: readonly StatusRow[], paint: Paint): string {
  const header = ["VIEW", "TIER", "STALE", "STATE", "LAST OPERATION (UTC)", "PROBLEMS"];
  const body = rows.map((row) => [
    `${row.schema}.${row.view}`,
    row.tier === undefined ? "-" : row.tier === "pii" ? "PII" : "non-PII",
    row.stale === null ? "-" : row.stale ? "stale" : "fresh",
    row.stateText,
    row.lastOperation === null
      ? "-"
      : `${row.lastOperation.operation} ${row.lastOperation.status.toLowerCase()} ${row.lastOperation.at.replace("T", " ").slice(0, 19)} (${row.lastOperation.durationSeconds.toFixed(1)} s)`,
    row.conditions.length > 0
      ? row.conditions.join(", ")
      : row.foreignProject === undefined
        ? "ok"
        : `(project ${row.foreignProject})`,
  ]);
  const [head = "", ...aligned] = alignColumns([header, ...body]);
  const lines = [paint.bold(head)];
  aligned.forEach((text, index) => {
    const row = rows[index];
    lines.push(
      row === undefined || row.conditions.length === 0
        ? row?.stale === true
          ? paint.yellow(text)
          : text
        : paint.red(text),
    );
  });
  const failures = rows.flatMap((row) =>
    (["failed_provisioning", "unrefreshable"] as const).flatMap((condition) => {
      const failed = row.operations[condition === "failed_provisioning" ? "create" : "refresh"];
      return row.conditions.includes(condition) && failed?.error !== undefined
        ? [`  ${row.schema}.${row.view}: ${failed.operation} ${failed.status.toLowerCase()}: ${failed.error}`]
        : [];
    }),
  );
  if (failures.length > 0) lines.push("", "Last errors:", ...failures.map((line) => paint.red(line)));
  const access = rows.flatMap((row) => [
    ...(row.access?.unexpected.length
      ? [
          `  ${row.schema}.${row.view}: readable by ${row.access.unexpected.join(", ")}, not configured for its tier`,
        ]
      : []),
    ...(row.access?.missing.length
      ? [
          `  ${row.schema}.${row.view}: not readable by ${row.access.missing.join(", ")}, configured for its tier`,
        ]
      : []),
  ]);
  if (access.length > 0) lines.push("", "Access:", ...access.map((line) => paint.red(line)));
  const sources = rows.flatMap((row) =>
    row.source === undefined
      ? []
      : [
          `  ${row.schema}.${row.view}: reads ${row.source.table}, which is ${row.source.state} (not Synced): it cannot be created or refreshed until zero-ETL has synced it`,
        ],
  );
  if (sources.length > 0) lines.push("", "Sources:", ...sources.map((line) => paint.red(line)));
  const problems = rows.filter((row) => row.conditions.length > 0).length;
  const foreign = rows.filter((row) => row.foreignProject !== undefined).length;
  const stale = rows.filter(
    (row) => row.stale !== false && row.exists && row.foreignProject === undefined,
  ).length;
  const neverRefreshed = rows.filter(notRefreshedSinceCreated).length;
  lines.push(
    "",
    `${rows.length - foreign} views${foreign === 0 ? "" : ` (and ${foreign} of other projects)`}: ${problems === 0 ? paint.green("no problems") : paint.red(`${problems} with problems`)}, ${stale} stale (or of unknown staleness), ${neverRefreshed} not refreshed since created.`,
  );
  return lines.join("\n");
}
