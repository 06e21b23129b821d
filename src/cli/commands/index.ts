import { createRequire } from "node:module";
import { type CommandDef, defineCommand } from "citty";
import { dataFilterCommand } from "./data-filter.js";
import { checkCommand, generateCommand } from "./generate.js";
import { reportCommand } from "./report.js";

// biome-ignore lint/suspicious/noExplicitAny: command definitions differ in their argument types.
type AnyCommand = CommandDef<any>;

export const commands: Record<string, AnyCommand> = {
  generate: generateCommand,
  check: checkCommand,
  report: reportCommand,
  "data-filter": dataFilterCommand,
};

export const VERSION: string = (
  createRequire(import.meta.url)("../../../package.json") as { version: string }
).version;

export const rootCommand = defineCommand({
  meta: {
    name: "redshift-views",
    version: VERSION,
    description:
      "PII-tiered Redshift materialized views from schema.prisma: generate, provision, refresh, status",
  },
  subCommands: commands,
});
