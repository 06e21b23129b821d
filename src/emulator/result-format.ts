/** The Data API's wire shapes for results (`GetStatementResult`), as JSON. */
export type DataApiField =
  | { readonly isNull: true }
  | { readonly stringValue: string }
  | { readonly longValue: number }
  | { readonly doubleValue: number }
  | { readonly booleanValue: boolean };

export interface DataApiColumnMetadata {
  readonly isCaseSensitive: boolean;
  readonly isCurrency: boolean;
  readonly isSigned: boolean;
  readonly label: string;
  readonly name: string;
  readonly nullable: number;
  readonly precision: number;
  readonly scale: number;
  readonly schemaName: string;
  readonly tableName: string;
  readonly typeName: string;
  readonly length: number;
}

export interface StoredResult {
  readonly columns: readonly DataApiColumnMetadata[];
  readonly records: readonly (readonly DataApiField[])[];
}

/** A query result as PGlite returns it with every value left as Postgres text. */
export interface RawResult {
  readonly fields: readonly { readonly name: string; readonly dataTypeID: number }[];
  readonly rows: readonly (readonly unknown[])[];
}

const INTEGER_TYPES = new Set(["int2", "int4", "int8", "oid", "xid"]);
const FLOAT_TYPES = new Set(["float4", "float8"]);
const TEXT_TYPES = new Set(["varchar", "text", "bpchar", "name", "char"]);
const PRECISION: Readonly<Record<string, number>> = {
  int2: 5,
  int4: 10,
  int8: 19,
  float4: 8,
  float8: 17,
  bool: 1,
};

/**
 * Converts Postgres text values into the Data API's typed fields, the way Redshift reports them:
 * integers as `longValue`, floating point as `doubleValue`, booleans as `booleanValue`, everything
 * else (numeric, dates, timestamps, SUPER) as `stringValue`.
 */
export function toDataApiResult(raw: RawResult, typeNameOf: (oid: number) => string): StoredResult {
  const types = raw.fields.map((field) => typeNameOf(field.dataTypeID));
  const columns = raw.fields.map((field, index): DataApiColumnMetadata => {
    const typeName = types[index] ?? "unknown";
    return {
      isCaseSensitive: TEXT_TYPES.has(typeName),
      isCurrency: false,
      isSigned: INTEGER_TYPES.has(typeName) || FLOAT_TYPES.has(typeName) || typeName === "numeric",
      label: field.name,
      name: field.name,
      nullable: 1,
      precision: PRECISION[typeName] ?? 0,
      scale: 0,
      schemaName: "",
      tableName: "",
      typeName,
      length: 0,
    };
  });
  const records = raw.rows.map((row) => row.map((value, index) => toField(value, types[index] ?? "unknown")));
  return { columns, records };
}

function toField(value: unknown, typeName: string): DataApiField {
  if (value === null || value === undefined) return { isNull: true };
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (INTEGER_TYPES.has(typeName)) return { longValue: Number(text) };
  if (FLOAT_TYPES.has(typeName)) {
    const number = Number(text);
    return Number.isFinite(number) ? { doubleValue: number } : { stringValue: text };
  }
  if (typeName === "bool") return { booleanValue: text === "t" || text === "true" };
  return { stringValue: text };
}

/** Postgres type names shown as Redshift shows them. */
export function redshiftTypeName(postgresTypeName: string): string {
  return postgresTypeName === "jsonb" ? "super" : postgresTypeName;
}

export function resultSize(result: StoredResult): number {
  return Buffer.byteLength(JSON.stringify(result.records), "utf8");
}
