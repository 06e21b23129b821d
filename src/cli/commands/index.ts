import { createRequire } from "node:module";
import { type CommandDef, defineCommand } from "citty";
import { dataFilterCommand } from "./data-filter.js";
import { emulatorCommand } from "./emulator.js";
import { checkCommand, generateCommand } from "./generate.js";
import { provisionCommand } from "./provision.js";
import { refreshCommand } from "./refresh.js";
import { reportCommand } from "./report.js";
import { statusCommand } from "./status.js";

// biome-ignore lint/suspicious/noExplicitAny: command definitions differ in their argument types.
type AnyCommand = CommandDef<any>;

export const commands: Record<string, AnyCommand> = {
  generate: generateCommand,
  check: checkCommand,
  report: reportCommand,
  "data-filter": dataFilterCommand,
  provision: provisionCommand,
  refresh: refreshCommand,
  status: statusCommand,
  emulator: emulatorCommand,
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
