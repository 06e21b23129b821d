import { RedshiftViewsError } from "../errors.js";
import type { PreparedViews } from "../generate/generate.js";
import { replicatedSchema } from "../schema/source-schema.js";
import { renderTemplate } from "../templates/render-template.js";
import type { TableReference } from "./table-reference.js";

/** The tables of a project as data filter patterns name them, in one environment. */
export interface ProjectTables {
  readonly engine: "mysql" | "postgresql";
  /** The tables of the exported models: the filter must replicate them. */
  readonly exported: readonly TableReference[];
  /** Every table the Prisma schema declares, exported or not (the tables whose rules are this tool's). */
  readonly declared: readonly TableReference[];
}

export interface ProjectTablesInput {
  readonly prepared: Pick<PreparedViews, "schema" | "tables" | "options">;
  readonly environment: string;
  /** PostgreSQL sources: the source database's name, which Prisma does not know (it is in the URL). */
  readonly sourceDatabase?: string | undefined;
}

/**
 * Pure: where each table of the project is in the source, as its filter pattern names it.
 *
 * Zero-ETL replicates a MySQL database as a schema of the destination database, named after it, and a
 * PostgreSQL schema as a schema of the same name
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.querying.html), so the
 * Redshift schema a view reads is also the source's: the MySQL database (`database.table`), or the
 * PostgreSQL schema, after the source database that patterns start with (`database.schema.table`).
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/zero-etl.filtering.html
 */
export function projectTables(input: ProjectTablesInput): ProjectTables {
  const { prepared, environment } = input;
  const engine = sourceEngine(prepared.schema.provider);
  const sourceDatabase = input.sourceDatabase?.trim();
  if (engine === "postgresql" && (sourceDatabase === undefined || sourceDatabase === "")) {
    throw new RedshiftViewsError(
      "E_DATA_FILTER_SOURCE",
      "A PostgreSQL data filter names the source database (database.schema.table), and the Prisma schema does not say which it is.",
      { hint: "Pass --source-database <name of the Aurora PostgreSQL database the integration replicates>." },
    );
  }
  if (engine === "mysql" && sourceDatabase !== undefined) {
    throw new RedshiftViewsError(
      "E_DATA_FILTER_SOURCE",
      `--source-database is for PostgreSQL sources; a MySQL source's database is the schema sourceSchema names ("${prepared.options.sourceSchema.schema ?? ""}").`,
      { hint: "Leave --source-database out." },
    );
  }
  const reference = (schema: string, table: string): TableReference => {
    const rendered = renderTemplate(schema, environment);
    return engine === "mysql" ? [rendered, table] : [sourceDatabase ?? "", rendered, table];
  };
  const defaultSchema = prepared.options.sourceSchema.schema;
  return {
    engine,
    exported: prepared.tables.map((table) => reference(table.source.schema, table.table)),
    declared: prepared.schema.datamodel.models.map((model) =>
      reference(replicatedSchema(model.schema, defaultSchema), model.dbName ?? model.name),
    ),
  };
}

function sourceEngine(provider: string | undefined): ProjectTables["engine"] {
  switch (provider) {
    case "mysql":
      return "mysql";
    case "postgresql":
    case "postgres":
      return "postgresql";
    default:
      throw new RedshiftViewsError(
        "E_DATA_FILTER_PROVIDER",
        `Zero-ETL data filters are for MySQL and PostgreSQL sources, not "${provider ?? "none"}".`,
        { hint: "Set the datasource provider in schema.prisma to mysql or postgresql." },
      );
  }
}
