import { SqlError } from "./sql-error.js";
import { tokenize } from "./sql-tokens.js";

/**
 * Replaces the Data API's `:name` placeholders with Postgres' `$n`, outside strings, identifiers and
 * comments (`::type` casts are left alone). Values are passed as text and typed by Postgres.
 */
export function bindNamedParameters(
  sql: string,
  parameters: readonly { readonly name: string; readonly value: string }[],
): { sql: string; values: string[] } {
  if (parameters.length === 0) return { sql, values: [] };
  const byName = new Map(parameters.map((parameter) => [parameter.name, parameter.value]));
  const positions = new Map<string, number>();
  const values: string[] = [];
  const tokens = tokenize(sql);
  const rewritten: string[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    const next = tokens[index + 1];
    if (token === undefined) continue;
    if (token.kind === "punctuation" && token.text === ":" && next !== undefined && next.kind === "word") {
      const value = byName.get(next.text);
      if (value === undefined) {
        throw new SqlError("42P02", `there is no parameter ${next.text} among the statement's Parameters`);
      }
      let position = positions.get(next.text);
      if (position === undefined) {
        values.push(value);
        position = values.length;
        positions.set(next.text, position);
      }
      rewritten.push(`$${position}`);
      index++;
    } else {
      rewritten.push(token.text);
    }
  }
  return { sql: rewritten.join(""), values };
}
