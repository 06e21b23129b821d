import { RedshiftViewsError } from "../errors.js";

/** Redshift's limit on identifier length. */
export const MAX_IDENTIFIER_BYTES = 127;

/**
 * Why a name cannot be an identifier in the SQL this tool writes, or `undefined` when it can.
 * Identifiers are always double-quoted (zero-ETL databases are case sensitive); a name that would
 * need escaping (a quote), break a template (`<%`, `%>`) or exceed Redshift's length limit is refused
 * instead. A `table` name is also a file name, so it may not contain a slash or backslash or start
 * with a dot.
 */
export function checkIdentifier(name: string, what: string): string | undefined {
  if (name.length === 0) return `The ${what} name is empty.`;
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    return `The ${what} name "${name.slice(0, 40)}…" is longer than ${MAX_IDENTIFIER_BYTES} bytes.`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/["\u0000-\u001f\u007f]|<%|%>/.test(name)) {
    return `The ${what} name "${name}" contains a double quote, a control character or a template tag.`;
  }
  // A table's (or view's) name becomes a template file name (`<view>.sql.ejs`): it must not leave the folder.
  if ((what === "table" || what === "view") && (/[/\\]/.test(name) || name.startsWith("."))) {
    return `The ${what} name "${name}" contains a slash or backslash, or starts with a dot; it would not be a plain file name.`;
  }
  return undefined;
}

/**
 * `"name"`. Names are validated where they enter the tool (schema, config, environment), so this is
 * the last line of defence: a name that cannot be quoted without escaping never reaches SQL.
 */
export function quoteIdentifier(name: string): string {
  // Placeholders (`<%= environment %>`) are allowed here: templates carry them until rendered.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (name.length === 0 || /["\u0000-\u001f\u007f]/.test(name)) {
    throw new RedshiftViewsError(
      "E_IDENTIFIER_UNSAFE",
      `${JSON.stringify(name)} cannot be a SQL identifier.`,
      {
        hint: "Names that reach SQL may not be empty or contain double quotes or control characters: rename it.",
      },
    );
  }
  return `"${name}"`;
}

/**
 * `'text'` for a SQL string literal. Quotes are doubled; backslashes and control characters are
 * refused rather than escaped, because Redshift treats a backslash in a literal as an escape and
 * Postgres (the local emulator) does not, so no escaping is right for both.
 */
export function quoteLiteral(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\\\u0000-\u001f\u007f]/.test(value)) {
    throw new RedshiftViewsError(
      "E_IDENTIFIER_UNSAFE",
      `${JSON.stringify(value)} cannot be written as a SQL literal.`,
      {
        hint: "Names that reach SQL may not contain backslashes or control characters: rename it.",
      },
    );
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** Whether `value` can be written with `quoteLiteral`. */
export function isLiteralSafe(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  return !/[\\\u0000-\u001f\u007f]/.test(value);
}
