import { defineCommand } from "citty";
import { prepareViews } from "../../generate/generate.js";
import { dataFilter } from "../../report/data-filter.js";
import { renderTemplate } from "../../templates/render-template.js";
import { schemaArgs } from "../args.js";
import type { CliIo } from "../io.js";

export const dataFilterCommand = defineCommand({
  meta: {
    name: "data-filter",
    description: "Print the zero-ETL integration data filter that replicates exactly the exported tables",
  },
  args: {
    environment: { type: "positional", description: "Environment, e.g. production", required: true },
    ...schemaArgs,
    "source-database": {
      type: "string",
      description: "PostgreSQL sources: the Aurora PostgreSQL database name",
      valueHint: "name",
    },
  },
  async run({ args, data }) {
    const io = data as CliIo;
    const prepared = await prepareViews({
      cwd: io.cwd,
      schemaPath: args.schema,
      generatorName: args.generator,
    });
    io.stdout(
      dataFilter({
        provider: prepared.schema.provider,
        database: args["source-database"],
        tables: prepared.tables.map((table) => ({
          schema: renderTemplate(table.source.schema, args.environment),
          table: table.table,
        })),
      }),
    );
    return 0;
  },
});
