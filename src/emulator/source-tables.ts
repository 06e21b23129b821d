import type { DMMF } from "@prisma/generator-helper";
import { INTERNAL_SCHEMA } from "./catalog.js";
import { quoteIdentifier, quoteLiteral } from "./sql-tokens.js";

/** A replicated table as zero-ETL would create it in Redshift for one Prisma model. */
export interface SourceTable {
  readonly model: string;
  /** The model's `@@schema`, if it names one: zero-ETL replicates a PostgreSQL schema as a schema of the same name. */
  readonly schema: string | undefined;
  readonly table: string;
  readonly columns: readonly SourceColumn[];
  readonly primaryKey: readonly string[];
}

interface SourceColumn {
  readonly field: string;
  readonly column: string;
  /** Postgres type standing for the Redshift type zero-ETL creates. */
  readonly type: string;
  /** Deterministic plausible value for sample row `n` (1-based), as a SQL literal. */
  readonly sample: (n: number) => string;
}

export interface SkippedModel {
  readonly model: string;
  readonly reason: string;
}

/**
 * The tables zero-ETL replicates for a datamodel: every model with a primary key and no `Bytes`
 * column (zero-ETL replicates neither tables without a primary key nor, per DESIGN.md, binary columns).
 * Types follow zero-ETL's MySQL → Redshift mapping (TEXT → VARCHAR(65535), JSON → SUPER, …).
 */
export function sourceTables(datamodel: DMMF.Datamodel): { tables: SourceTable[]; skipped: SkippedModel[] } {
  const enums = new Map(
    datamodel.enums.map((item) => [item.name, item.values.map((value) => value.dbName ?? value.name)]),
  );
  const tables: SourceTable[] = [];
  const skipped: SkippedModel[] = [];
  for (const model of datamodel.models) {
    const scalars = model.fields.filter((field) => field.kind === "scalar" || field.kind === "enum");
    const columnOf = (name: string): string => {
      const field = model.fields.find((candidate) => candidate.name === name);
      return field?.dbName ?? name;
    };
    const primaryKey =
      model.primaryKey !== null && model.primaryKey !== undefined
        ? model.primaryKey.fields.map(columnOf)
        : scalars.filter((field) => field.isId).map((field) => field.dbName ?? field.name);
    if (primaryKey.length === 0) {
      skipped.push({ model: model.name, reason: "no primary key (zero-ETL does not replicate it)" });
      continue;
    }
    if (scalars.some((field) => field.type === "Bytes")) {
      skipped.push({ model: model.name, reason: "a Bytes column (zero-ETL does not replicate it)" });
      continue;
    }
    const table = model.dbName ?? model.name;
    tables.push({
      model: model.name,
      schema: model.schema ?? undefined,
      table,
      primaryKey,
      columns: scalars.map((field) => sourceColumn(field, table, enums.get(field.type))),
    });
  }
  return { tables, skipped };
}

function sourceColumn(
  field: DMMF.Field,
  table: string,
  enumValues: readonly string[] | undefined,
): SourceColumn {
  const column = field.dbName ?? field.name;
  const base = { field: field.name, column };
  const [nativeName, nativeArgs] = field.nativeType ?? [undefined, []];
  if (field.isList) {
    return { ...base, type: "redshift_types.super", sample: (n) => quoteLiteral(JSON.stringify([n])) };
  }
  if (field.kind === "enum") {
    const values = enumValues ?? ["VALUE"];
    return {
      ...base,
      type: "varchar(65535)",
      sample: (n) => quoteLiteral(values[(n - 1) % values.length] ?? ""),
    };
  }
  switch (field.type) {
    case "String": {
      const length =
        nativeName === "VarChar" || nativeName === "Char" ? Number(nativeArgs[0] ?? 65535) : undefined;
      const type =
        nativeName === "Char"
          ? `char(${length})`
          : nativeName === "Uuid"
            ? "char(36)"
            : `varchar(${length ?? 65535})`;
      const max = nativeName === "Uuid" ? 36 : (length ?? 65535);
      return { ...base, type, sample: (n) => quoteLiteral(sampleString(column, table, n).slice(0, max)) };
    }
    case "Int": {
      const type =
        nativeName === "TinyInt" || nativeName === "SmallInt" || nativeName === "UnsignedTinyInt"
          ? "smallint"
          : nativeName === "UnsignedInt"
            ? "bigint"
            : "integer";
      return { ...base, type, sample: (n) => String(n) };
    }
    case "BigInt":
      return {
        ...base,
        type: nativeName === "UnsignedBigInt" ? "numeric(20,0)" : "bigint",
        sample: (n) => String(n),
      };
    case "Float":
      return { ...base, type: nativeName === "Float" ? "real" : "double precision", sample: (n) => `${n}.5` };
    case "Decimal": {
      const precision = Math.min(Number(nativeArgs[0] ?? 65), 38);
      const scale = Math.min(Number(nativeArgs[1] ?? 30), precision - 1);
      return { ...base, type: `numeric(${precision},${scale})`, sample: (n) => `${n}.25` };
    }
    case "Boolean":
      return { ...base, type: "boolean", sample: (n) => (n % 2 === 0 ? "true" : "false") };
    case "DateTime": {
      const type = nativeName === "Date" ? "date" : nativeName === "Time" ? "time" : "timestamp";
      const sample = (n: number): string => {
        const date = new Date(Date.UTC(2024, 0, 1) + (n - 1) * 86_400_000 + (n % 24) * 3_600_000);
        const iso = date.toISOString().replace("T", " ").slice(0, 19);
        return quoteLiteral(type === "date" ? iso.slice(0, 10) : type === "time" ? iso.slice(11) : iso);
      };
      return { ...base, type, sample };
    }
    case "Json":
      return {
        ...base,
        type: "redshift_types.super",
        sample: (n) => quoteLiteral(JSON.stringify({ sample: n })),
      };
    default:
      return { ...base, type: "varchar(65535)", sample: (n) => quoteLiteral(`${column} ${n}`) };
  }
}

function sampleString(column: string, table: string, n: number): string {
  const lower = column.toLowerCase();
  if (lower.includes("email")) return `user${n}@example.com`;
  if (lower.includes("country")) return ["US", "GB", "DE", "IN", "BR"][(n - 1) % 5] ?? "US";
  if (/^id$|_id$|Id$/.test(column)) return `${table}-${n}`;
  if (lower.includes("name")) return `Sample ${column} ${n}`;
  return `${column} ${n}`;
}

/**
 * Idempotent SQL creating the tables in `postgresSchema` (CREATE … IF NOT EXISTS, then ADD COLUMN IF
 * NOT EXISTS for columns a later migration added), tracking writes for staleness, and inserting
 * `sampleRows` rows into tables that are still empty (a table with rows is left alone, so re-seeding
 * never counts as a write to it).
 */
export function sourceTablesSql(
  tables: readonly SourceTable[],
  postgresSchema: string,
  sampleRows: number,
): string[] {
  const schema = quoteIdentifier(postgresSchema);
  const statements = [`CREATE SCHEMA IF NOT EXISTS ${schema}`];
  for (const table of tables) {
    const name = `${schema}.${quoteIdentifier(table.table)}`;
    const columns = table.columns.map((column) => `  ${quoteIdentifier(column.column)} ${column.type}`);
    const primaryKey = `  PRIMARY KEY (${table.primaryKey.map(quoteIdentifier).join(", ")})`;
    statements.push(`CREATE TABLE IF NOT EXISTS ${name} (\n${[...columns, primaryKey].join(",\n")}\n)`);
    for (const column of table.columns) {
      statements.push(
        `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS ${quoteIdentifier(column.column)} ${column.type}`,
      );
    }
    statements.push(`SELECT ${INTERNAL_SCHEMA}.track_table(${quoteLiteral(name)}::regclass::oid)`);
    if (sampleRows > 0 && table.columns.length > 0) {
      const rows: string[] = [];
      for (let n = 1; n <= sampleRows; n++)
        rows.push(`(${table.columns.map((column) => column.sample(n)).join(", ")})`);
      const insert = `INSERT INTO ${name} (${table.columns.map((column) => quoteIdentifier(column.column)).join(", ")})\nVALUES ${rows.join(",\n       ")}\nON CONFLICT DO NOTHING`;
      // Only into an empty table, decided before the INSERT is issued: even an INSERT that adds no row
      // fires the statement-level write trigger, which would make every view over the table stale
      // each time a command re-seeds.
      let tag = "$seed$";
      while (insert.includes(tag)) tag = `$seed${tag.length}$`;
      statements.push(
        `DO ${tag}\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM ${name}) THEN\n    ${insert};\n  END IF;\nEND\n${tag}`,
      );
    }
  }
  return statements;
}
