/** Redshift's limit on identifier length. */
export const MAX_IDENTIFIER_BYTES = 127;

/**
 * Identifiers are always double-quoted in the SQL we write; a name that would need escaping (a quote),
 * break a template (`<%`, `%>`) or exceed Redshift's length limit is refused instead. A `table` name
 * is also a file name, so it may not contain a slash or backslash or start with a dot.
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

/** `"name"`: every identifier we emit is quoted, since zero-ETL databases are case sensitive. */
export function quote(name: string): string {
  return `"${name}"`;
}
