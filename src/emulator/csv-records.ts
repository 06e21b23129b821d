/**
 * Results in CSV, for statements run with `ResultFormat: "CSV"` and read with `GetStatementResultV2`
 * (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_GetStatementResultV2.html: "Fetches
 * the temporarily cached result of an SQL statement in CSV format"; each page's `Records` holds
 * `QueryRecords` with `CSVRecords`, https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_QueryRecords.html).
 * The documentation does not show the CSV itself. The emulator writes RFC 4180: values as Redshift
 * prints them (the database's text form), quoted when they hold a comma, a quote or a line break,
 * quotes doubled, NULL as an empty field, every line ended by `\n`; the first page starts with a header
 * line of the column labels; one `QueryRecords` per page.
 */
export function csvLine(values: readonly (string | null)[]): string {
  return values.map(csvField).join(",");
}

/** The `CSVRecords` text of a page of lines; with the header when it is the first page. */
export function csvRecords(lines: readonly string[], header: string | undefined): string {
  return [...(header === undefined ? [] : [header]), ...lines].map((line) => `${line}\n`).join("");
}

function csvField(value: string | null): string {
  if (value === null) return "";
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
