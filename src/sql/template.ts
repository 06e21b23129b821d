import { quoteIdentifier, quoteLiteral } from "./quote.js";

/**
 * A value interpolated into `sql` text. Plain strings are not accepted: every name or value says how
 * it is quoted, so nothing reaches SQL unquoted by accident.
 */
export type SqlValue =
  | { readonly kind: "identifier"; readonly parts: readonly string[] }
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "literals"; readonly values: readonly string[] }
  | { readonly kind: "fragment"; readonly text: string }
  | number;

/** `"schema"."name"` (any number of parts). */
export function ident(...parts: string[]): SqlValue {
  return { kind: "identifier", parts };
}

/** `'text'` */
export function literal(value: string): SqlValue {
  return { kind: "literal", value };
}

/** `'a', 'b'` for an `IN (…)` list. */
export function literals(values: readonly string[]): SqlValue {
  return { kind: "literals", values };
}

/** SQL text built by `sql` (or rendered by `renderStatement`), to nest in another. */
export function fragment(text: string): SqlValue {
  return { kind: "fragment", text };
}

function render(value: SqlValue): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`${value} cannot be written as a SQL number`);
    return String(value);
  }
  switch (value.kind) {
    case "identifier":
      return value.parts.map(quoteIdentifier).join(".");
    case "literal":
      return quoteLiteral(value.value);
    case "literals":
      if (value.values.length === 0) throw new RangeError("an empty literal list cannot be written as SQL");
      return value.values.map(quoteLiteral).join(", ");
    case "fragment":
      return value.text;
  }
}

/** Tagged template for the queries this tool sends: every interpolation is quoted by its kind. */
export function sql(strings: TemplateStringsArray, ...values: readonly SqlValue[]): string {
  let text = strings[0] ?? "";
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? "");
  });
  return text;
}
