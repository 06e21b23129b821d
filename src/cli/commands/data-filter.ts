import { defineCommand } from "citty";
import { dataFilter, formatDataFilterPlan } from "../../integration/index.js";
import { schemaArgs } from "../args.js";
import { confirmChange } from "../confirm.js";
import type { CliIo } from "../io.js";
import { isTruthy } from "../progress.js";

export const dataFilterCommand = defineCommand({
  meta: {
    name: "data-filter",
    description:
      "Print the zero-ETL data filter that replicates exactly the exported tables, or (--integration) update an integration's filter: Add / Remove, keeping rules this tool did not write",
  },
  args: {
    environment: { type: "positional", description: "Environment, e.g. production", required: true },
    ...schemaArgs,
    "source-database": {
      type: "string",
      description: "PostgreSQL sources: the Aurora PostgreSQL database name",
      valueHint: "name",
    },
    integration: {
      type: "string",
      description:
        "ARN of the zero-ETL integration to update (rds:DescribeIntegrations, then rds:ModifyIntegration once confirmed)",
      valueHint: "arn",
    },
    "dry-run": {
      type: "boolean",
      description: "With --integration: print what would change and modify nothing (same as DRY_RUN=1)",
    },
    yes: {
      type: "boolean",
      alias: ["y"],
      description: "Modify the integration without asking (required without a terminal)",
    },
  },
  async run({ args, data }) {
    const io = data as CliIo;
    const dryRun = args["dry-run"] === true || isTruthy(io.env.DRY_RUN);
    const report = await dataFilter({
      cwd: io.cwd,
      environment: args.environment,
      ...(args.schema === undefined ? {} : { schema: args.schema }),
      ...(args.generator === undefined ? {} : { generator: args.generator }),
      sourceDatabase: args["source-database"],
      integration: args.integration,
      dryRun,
      onPlanned: (plan, integration) => {
        if (io.verbosity !== "quiet")
          io.stderr(
            io.colors.dim(
              `Integration ${integration.name ?? integration.arn} (${integration.status ?? "status unknown"}), current filter: ${integration.dataFilter === "" ? "(none: every table replicates)" : integration.dataFilter}`,
            ),
          );
        io.stdout(formatDataFilterPlan(plan).join("\n"));
        if (plan.kind === "update" && io.verbosity === "verbose")
          io.stderr(io.colors.dim(`New filter: ${plan.next}`));
      },
      confirm: () =>
        confirmChange(io, {
          yes: args.yes === true,
          rerun: `redshift-views data-filter ${args.environment} --integration ${args.integration ?? "<arn>"}`,
        }),
    });
    if (report.kind === "filter") {
      io.stdout(report.filter);
      return 0;
    }
    switch (report.outcome) {
      case "unchanged":
        return 0;
      case "dry-run":
        io.stdout("[DRY RUN] No changes applied.");
        return 0;
      case "declined":
        return 1;
      case "applied":
        io.stderr(
          `${io.colors.green("✔")} Modified the data filter of ${report.integration.arn} (now ${report.modified?.status ?? "modifying"}). Zero-ETL drops the tables removed from the filter from Redshift and resynchronizes the added ones; views over them fail until they are replicated again.`,
        );
        return 0;
    }
  },
});
