// A large, varied schema for the benchmarks: `models` exported models of `fields` columns each, with a
// mix of types, annotations, @map names and composite keys.
const TYPES = ["Int", "String", "DateTime", "Boolean", "Float", "Decimal", "Json", "BigInt", "Status"];
const LEVELS = ["public", "confidential", "restricted", "highly_restricted", undefined];

export function synthesizeSchema({ models, fields, generator }) {
  const lines = [
    'datasource db {\n  provider = "mysql"\n}',
    `generator views {\n  provider     = "${generator}"\n  output       = "../generated-views"\n  sourceSchema = "\\"<%= environment %>_app_zeroetl\\".\\"app_<%= environment %>\\""\n}`,
    "enum Status {\n  ACTIVE\n  INACTIVE\n}",
  ];
  for (let m = 0; m < models; m++) {
    const body = [];
    const composite = m % 7 === 0;
    body.push(composite ? '  tenantId Int @map("tenant_id")' : "  id Int @id @default(autoincrement())");
    if (composite) body.push("  id Int");
    for (let f = body.length; f < fields; f++) {
      const type = TYPES[(m + f) % TYPES.length];
      const level = LEVELS[(m * 3 + f) % LEVELS.length];
      if (level !== undefined) body.push(`  /// @classification ${level}`);
      const map = f % 3 === 0 ? ` @map("field_${f}_col")` : "";
      const name = f % 11 === 0 ? "createdAt" : `field${f}`;
      body.push(`  ${name === "createdAt" ? `createdAt${f}` : name} ${type}${f % 4 === 0 ? "?" : ""}${map}`);
    }
    if (composite) body.push("  @@id([tenantId, id])");
    body.push(`  @@map("table_${m}")`);
    lines.push(`/// Model ${m}\n/// @exportToAnalytics\nmodel Model${m} {\n${body.join("\n")}\n}`);
  }
  return `${lines.join("\n\n")}\n`;
}
