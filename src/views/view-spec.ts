import type { Classification } from "../classification/classify-field.js";
import type { Tier } from "../classification/levels.js";

/** One column of an exported table, with the level that decides which views show it. */
export interface ClassifiedColumn {
  readonly field: string;
  readonly column: string;
  readonly type: string;
  readonly classification: Classification;
}

/** An exported model, classified: the input to the view specs and to `report`. */
export interface ExportedTable {
  readonly model: string;
  readonly table: string;
  /** Schema file that declares the model, relative to the project root (for headers and messages). */
  readonly sourceFile: string;
  /** Primary-key columns in `@id` / `@@id` order. */
  readonly primaryKey: readonly string[];
  readonly columns: readonly ClassifiedColumn[];
}

/** Everything needed to render one materialized view's template. Pure data. */
export interface ViewSpec {
  readonly tier: Tier;
  readonly model: string;
  readonly sourceFile: string;
  /** View name: the table name, in both tiers. */
  readonly table: string;
  /** Template file name: `<table>.sql.ejs` or `<table>_pii.sql.ejs`. */
  readonly fileName: string;
  /** Unquoted schema name, may contain the environment placeholder. */
  readonly viewSchema: string;
  readonly sourceSchema: { readonly database: string; readonly schema: string };
  /** Projected columns, in schema order. */
  readonly columns: readonly string[];
  /** First primary-key column when it is projected, else `null` (→ `DISTSTYLE AUTO`). */
  readonly distKey: string | null;
}
