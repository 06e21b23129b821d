/** Code-point order, the same on every machine (unlike `localeCompare`): for sorted, stable output. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders anything with a schema and a name by `schema.name`. */
export function compareRelations(
  a: { readonly schema: string; readonly name: string },
  b: { readonly schema: string; readonly name: string },
): number {
  return compareText(a.schema, b.schema) || compareText(a.name, b.name);
}
