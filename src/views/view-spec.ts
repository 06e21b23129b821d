import type { Classification } from "../classification/classify-field.js";
import type { Tier } from "../classification/levels.js";

/** One column of an exported table, with the level that decides which views show it. */
export interface ClassifiedColumn {
  readonly field: string;
  readonly column: string;
  readonly type: string;
  readonly classification: Classification;
  /** The field's doc comment without its annotation lines: the column's description for analysts. */
  readonly description?: string;
}

/** Where zero-ETL replicated a table in Redshift: database and schema (names may contain the placeholder). */
export interface SourceLocation {
  readonly database: string;
  readonly schema: string;
}

/** An exported model, classified: the input to the view specs and to `report`. */
export interface ExportedTable {
  readonly model: string;
  /** The replicated table's name (`@@map`, else the model's name). */
  readonly table: string;
  /** The database and schema the table is replicated into: `"<database>"."<schema>"."<table>"`. */
  readonly source: SourceLocation;
  /** The name of its views (the same in both tiers), unique among the exported tables: see `viewName`. */
  readonly view: string;
  /** Schema file that declares the model, relative to the project root (for headers and messages). */
  readonly sourceFile: string;
  /** Primary-key columns in `@id` / `@@id` order. */
  readonly primaryKey: readonly string[];
  readonly columns: readonly ClassifiedColumn[];
}

export interface ColumnComment {
  readonly column: string;
  readonly text: string;
}

/** Everything needed to render one materialized view's template. Pure data. */
export interface ViewSpec {
  readonly tier: Tier;
  readonly model: string;
  readonly sourceFile: string;
  /** View name, the same in both tiers: the table's name, or `<schema>_<table>` (see `viewName`). */
  readonly view: string;
  /** Template file name: `<view>.sql.ejs` or `<view>_pii.sql.ejs`. */
  readonly fileName: string;
  /** Unquoted schema name, may contain the environment placeholder. */
  readonly viewSchema: string;
  /** The replicated table the view reads: `"<database>"."<schema>"."<table>"`. */
  readonly source: SourceLocation & { readonly table: string };
  /** Projected columns, in schema order. */
  readonly columns: readonly string[];
  /**
   * The data dictionary: one comment per projected column, `[<level>]` then its description. Applied
   * with `COMMENT ON COLUMN`, which changes no data: a change of comments is not a rebuild.
   */
  readonly comments: readonly ColumnComment[];
  /** First primary-key column when it is projected, else `null` (→ `DISTSTYLE AUTO`). */
  readonly distKey: string | null;
}
