/**
 * The Data API's `ColumnMetadata`, one set of rules for both places it appears: the columns of a
 * result (`GetStatementResult`, `GetStatementResultV2`) and the columns of a table (`DescribeTable`).
 * https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ColumnMetadata.html: `precision` is
 * "The precision value of a decimal number column, or the column length for a non-numeric column",
 * `nullable` follows JDBC (0 no nulls, 1 nullable). The values below are those of the examples of the
 * Management Guide's "Calling the Data API" (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-calling.html,
 * source: https://github.com/awsdocs/amazon-redshift-management-guide/blob/master/doc_source/data-api-calling.md):
 * int2 5, int4 10, int8 19,
 * varchar(n) n, timestamp 29 with scale 6, `length` 0 in a result; in `DescribeTable`, unbounded
 * character data has precision and length 2147483647, and there is no `label`.
 */
export interface DataApiColumnMetadata {
  readonly isCaseSensitive: boolean;
  readonly isCurrency: boolean;
  readonly isSigned: boolean;
  readonly label?: string;
  readonly name: string;
  readonly nullable: number;
  readonly precision: number;
  readonly scale: number;
  readonly schemaName: string;
  readonly tableName: string;
  readonly typeName: string;
  readonly length: number;
  readonly columnDefault?: string;
}

/** What is known of a column. */
export interface ColumnFacts {
  readonly name: string;
  /** The type as Redshift names it (`int4`, `varchar`, `super`, …). */
  readonly typeName: string;
  /** The type a domain is over, whose rules (precision, sign) apply; default `typeName`. */
  readonly baseTypeName?: string | undefined;
  /**
   * Postgres' type modifier (`varchar(n)` is n + 4, `numeric(p,s)` is (p << 16 | s) + 4); -1 when the
   * type has none (unbounded); undefined when it is not known, as for a query result, where PGlite
   * reports the type alone.
   */
  readonly typmod?: number | undefined;
  /** Declared NOT NULL; unknown for a query result, which reports nullable. */
  readonly notNull?: boolean | undefined;
  readonly schemaName?: string | undefined;
  readonly tableName?: string | undefined;
  readonly columnDefault?: string | undefined;
}

const INTEGER_TYPES = new Set(["int2", "int4", "int8", "oid", "xid"]);
const FLOAT_TYPES = new Set(["float4", "float8"]);
const CHARACTER_TYPES = new Set(["varchar", "text", "bpchar", "name", "char"]);
const FIXED_PRECISION: Readonly<Record<string, number>> = {
  int2: 5,
  int4: 10,
  int8: 19,
  float4: 8,
  float8: 17,
  bool: 1,
};
const TIMESTAMP_TYPES = new Set(["timestamp", "timestamptz"]);
/** The largest length JDBC reports, for character data without a declared length. */
const UNBOUNDED_LENGTH = 2147483647;

export function isIntegerType(typeName: string): boolean {
  return INTEGER_TYPES.has(typeName);
}

export function isFloatType(typeName: string): boolean {
  return FLOAT_TYPES.has(typeName);
}

/** A column of a query result, as `GetStatementResult` reports it. */
export function resultColumnMetadata(facts: ColumnFacts): DataApiColumnMetadata {
  const { precision, scale } = precisionAndScale(facts);
  return {
    ...common(facts),
    label: facts.name,
    precision,
    scale,
    schemaName: facts.schemaName ?? "",
    tableName: facts.tableName ?? "",
    length: 0,
  };
}

/** A column of a table, as `DescribeTable` reports it. */
export function tableColumnMetadata(facts: ColumnFacts): DataApiColumnMetadata {
  const { precision, scale } = precisionAndScale(facts);
  return {
    ...common(facts),
    precision,
    scale,
    schemaName: facts.schemaName ?? "",
    tableName: facts.tableName ?? "",
    length: precision,
    ...(facts.columnDefault === undefined ? {} : { columnDefault: facts.columnDefault }),
  };
}

function common(facts: ColumnFacts) {
  const base = facts.baseTypeName ?? facts.typeName;
  return {
    isCaseSensitive: CHARACTER_TYPES.has(base),
    isCurrency: false,
    isSigned: isIntegerType(base) || isFloatType(base) || base === "numeric",
    name: facts.name,
    nullable: facts.notNull === true ? 0 : 1,
    typeName: facts.typeName,
  };
}

function precisionAndScale(facts: ColumnFacts): { precision: number; scale: number } {
  const typeName = facts.baseTypeName ?? facts.typeName;
  const { typmod } = facts;
  const fixed = FIXED_PRECISION[typeName];
  if (fixed !== undefined) return { precision: fixed, scale: 0 };
  if (TIMESTAMP_TYPES.has(typeName)) return { precision: 29, scale: 6 };
  if (typeName === "numeric" && typmod !== undefined && typmod >= 4) {
    return { precision: ((typmod - 4) >> 16) & 0xffff, scale: (typmod - 4) & 0xffff };
  }
  if (CHARACTER_TYPES.has(typeName) && typmod !== undefined) {
    return { precision: typmod > 4 ? typmod - 4 : UNBOUNDED_LENGTH, scale: 0 };
  }
  return { precision: 0, scale: 0 };
}
