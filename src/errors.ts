/** Where a problem is: as much of file → model → field, or the view, as is known. */
export interface ErrorLocation {
  readonly file?: string;
  readonly model?: string;
  readonly field?: string;
  readonly view?: string;
  readonly line?: number;
}

/**
 * The one error type of the package. `code` is stable (documented in the README's troubleshooting
 * section), `location` says where, `hint` says what to do.
 */
export class RedshiftViewsError extends Error {
  override readonly name = "RedshiftViewsError";
  readonly code: string;
  readonly location: ErrorLocation;
  readonly hint: string;

  constructor(
    code: string,
    message: string,
    options: { location?: ErrorLocation; hint: string; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.location = options.location ?? {};
    this.hint = options.hint;
  }
}

/** Several independent problems found in one pass (e.g. every bad annotation in a schema). */
export class RedshiftViewsErrors extends Error {
  override readonly name = "RedshiftViewsErrors";
  readonly errors: readonly RedshiftViewsError[];

  constructor(errors: readonly RedshiftViewsError[]) {
    super(errors.map(formatErrorLine).join("\n"));
    this.errors = errors;
  }
}

function formatLocation(location: ErrorLocation): string {
  const parts: string[] = [];
  if (location.file !== undefined)
    parts.push(location.line === undefined ? location.file : `${location.file}:${location.line}`);
  if (location.model !== undefined) parts.push(`model ${location.model}`);
  if (location.field !== undefined) parts.push(`field ${location.field}`);
  if (location.view !== undefined) parts.push(`view ${location.view}`);
  return parts.join(", ");
}

/** `[CODE] file, model M, field f: message` followed by the hint. */
export function formatErrorLine(error: RedshiftViewsError): string {
  const where = formatLocation(error.location);
  return `[${error.code}] ${where === "" ? "" : `${where}: `}${error.message}\n  → ${error.hint}`;
}

/** Flattens whatever was thrown into the package's errors, for printing. */
export function toRedshiftViewsErrors(error: unknown): readonly RedshiftViewsError[] {
  if (error instanceof RedshiftViewsErrors) return error.errors;
  if (error instanceof RedshiftViewsError) return [error];
  const message = error instanceof Error ? error.message : String(error);
  return [
    new RedshiftViewsError("E_UNEXPECTED", message, {
      hint: "This is unexpected; re-run with --verbose and report it with the output.",
      cause: error,
    }),
  ];
}
