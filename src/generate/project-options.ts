/** Which project: where its schema and generator block are. */
export interface ProjectOptions {
  /** The directory paths are relative to, and where Prisma's schema lookup starts. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** `schema.prisma`, or the folder of a multi-file schema. Default: Prisma's lookup (`prisma.config.ts`, `prisma/schema.prisma`). */
  readonly schema?: string;
  /** The name of this package's generator block, when the schema has several. */
  readonly generator?: string;
}
