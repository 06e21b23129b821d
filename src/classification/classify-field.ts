import type { Level } from "./levels.js";

/** What the classifier needs to know of a column. */
export interface ColumnFacts {
  /** Prisma field kind: `scalar`, `enum`, `object` (relation), `unsupported`. */
  readonly kind: string;
  /** Prisma scalar type (`String`, `Int`, …) or the enum's name. */
  readonly type: string;
  readonly isList: boolean;
  /** The database column name (`@map`, else the field name). */
  readonly column: string;
}

export interface Classification {
  readonly level: Level;
  /** `annotated` when `/// @classification` said so, `default` when the type-based fallback decided. */
  readonly source: "annotated" | "default";
}

const TIMESTAMP_COLUMNS = new Set([
  "created_at",
  "updated_at",
  "deleted_at",
  "createdAt",
  "updatedAt",
  "deletedAt",
]);
const PUBLIC_SCALARS = new Set(["Int", "BigInt", "Float", "Decimal", "Boolean"]);

/**
 * The fail-safe default for a column nobody classified: anything that can hold free text, documents
 * or dates of a person is `restricted`; numbers, flags, enums and bookkeeping timestamps are `public`.
 */
export function defaultLevel(facts: ColumnFacts): Level {
  if (facts.isList) return "restricted";
  if (facts.kind === "enum") return "public";
  if (facts.kind !== "scalar") return "restricted";
  if (PUBLIC_SCALARS.has(facts.type)) return "public";
  if (facts.type === "DateTime") {
    return TIMESTAMP_COLUMNS.has(facts.column) ? "public" : "restricted";
  }
  return "restricted";
}

export function classifyField(facts: ColumnFacts, annotated: Level | undefined): Classification {
  return annotated === undefined
    ? { level: defaultLevel(facts), source: "default" }
    : { level: annotated, source: "annotated" };
}
