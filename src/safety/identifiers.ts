import { RedshiftViewsError } from "../errors.js";

/**
 * `'text'` for a SQL string literal. Quotes are doubled; backslashes and control characters are
 * refused rather than escaped, because Redshift treats a backslash in a literal as an escape and
 * Postgres (the local emulator) does not, so no escaping is right for both.
 */
export function sqlLiteral(value: string): string {
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
