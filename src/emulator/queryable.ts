import type { Results } from "@electric-sql/pglite";

export type Parsers = Record<number, (value: string) => unknown>;

/** What both PGlite and a PGlite transaction offer. */
export interface Queryable {
  query<T>(
    sql: string,
    params?: unknown[],
    options?: { rowMode?: "array" | "object"; parsers?: Parsers },
  ): Promise<Results<T>>;
}
