/**
 * The prose of a doc comment, for the data dictionary analysts read: the `///` lines without the
 * annotation lines and without lines that are another tool's directives (a line starting with `@`,
 * e.g. `@zod.string.email()`), joined into one line. Undefined when nothing is left.
 *
 * It ends up in a SQL string literal and in an EJS template, so what those cannot hold safely is
 * replaced by look-alikes rather than refused (a description is never a reason to fail a build):
 * control characters become spaces, a backslash becomes ⧵ (Redshift reads a backslash in a literal as
 * an escape and Postgres does not), and `<%` / `%>` get a space inside.
 */
export function docDescription(documentation: string | undefined): string | undefined {
  if (documentation === undefined) return undefined;
  const prose = documentation
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("@"))
    .join(" ");
  const clean = prose
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced.
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\\/g, "\u29f5")
    .replace(/<%/g, "< %")
    .replace(/%>/g, "% >")
    .replace(/\s+/g, " ")
    .trim();
  return clean === "" ? undefined : clean;
}
