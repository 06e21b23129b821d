/**
 * A database error as the emulator reports it: Postgres' message and SQLSTATE, or one the dialect
 * shim raises where Redshift rejects what Postgres would accept.
 */
export class SqlError extends Error {
  override readonly name = "SqlError";
  readonly sqlState: string;
  readonly detail: string | undefined;
  /** `FATAL` for a session that could not start (a failed login), else `ERROR`. */
  readonly severity: "ERROR" | "FATAL";

  constructor(sqlState: string, message: string, detail?: string, severity: "ERROR" | "FATAL" = "ERROR") {
    super(message);
    this.sqlState = sqlState;
    this.detail = detail;
    this.severity = severity;
  }
}

export function syntaxError(near: string): SqlError {
  return new SqlError("42601", `syntax error at or near "${near}"`);
}

/**
 * The `Error` text of a failed statement, shaped like Redshift's (`ERROR: relation "x" does not
 * exist`) with the SQLSTATE kept at the end so callers can branch on it (see {@link sqlStateOf}).
 */
export function formatStatementError(error: {
  message: string;
  sqlState: string;
  detail?: string | undefined;
  severity?: "ERROR" | "FATAL" | undefined;
}): string {
  const detail = error.detail === undefined || error.detail === "" ? "" : ` DETAIL: ${error.detail}`;
  return `${error.severity ?? "ERROR"}: ${error.message}${detail} [SQLSTATE ${error.sqlState}]`;
}

/** The SQLSTATE of an error text produced by the emulator, e.g. `2BP01`. */
export function sqlStateOf(errorText: string): string | undefined {
  return /\[SQLSTATE ([0-9A-Z]{5})\]\s*$/.exec(errorText)?.[1];
}

/** Normalises whatever PGlite (or our own code) threw into message + SQLSTATE. */
export function toSqlError(error: unknown): SqlError {
  if (error instanceof SqlError) return error;
  if (error instanceof Error) {
    const fields = error as Error & { code?: unknown; detail?: unknown };
    const code = typeof fields.code === "string" && /^[0-9A-Z]{5}$/.test(fields.code) ? fields.code : "XX000";
    const detail = typeof fields.detail === "string" ? fields.detail : undefined;
    return new SqlError(code, error.message, detail);
  }
  return new SqlError("XX000", String(error));
}
