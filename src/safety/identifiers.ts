import { RedshiftViewsError } from "../errors.js";
import { checkIdentifier } from "../views/identifiers.js";

/**
 * The last check before an identifier is written into SQL: ≤ 127 bytes, no double quote, control
 * character or template tag (so `"…"` quoting cannot be escaped). Names read back from the
 * warehouse pass through it too: a forged marker must not turn a hostile name into SQL.
 */
export function safeIdentifier(name: string, what: string): string | undefined {
  return checkIdentifier(name, what);
}

/** `"name"`, or E_IDENTIFIER_UNSAFE. */
export function quoteSafe(name: string, what: string): string {
  const problem = checkIdentifier(name, what);
  if (problem !== undefined)
    throw new RedshiftViewsError("E_IDENTIFIER_UNSAFE", problem, {
      location: { view: name },
      hint: "Rename it to letters, digits and underscores; identifiers are always double-quoted and may not contain quotes.",
    });
  return `"${name}"`;
}
