import type { DMMF, GeneratorConfig } from "@prisma/generator-helper";

/** A schema file as read from disk: absolute path and text. */
export type SchemaFile = readonly [path: string, content: string];

/** A Prisma schema (one file or a folder of files) parsed without running the Prisma CLI. */
export interface LoadedSchema {
  /** The file or folder the schema was loaded from (absolute). */
  readonly schemaPath: string;
  readonly files: readonly SchemaFile[];
  readonly datamodel: DMMF.Datamodel;
  readonly generators: readonly GeneratorConfig[];
  /** The datasource's provider (`mysql`, `postgresql`, …), when the schema has a datasource block. */
  readonly provider: string | undefined;
}
