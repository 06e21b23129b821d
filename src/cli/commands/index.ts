import { createRequire } from "node:module";
import type { CommandDef } from "citty";

// biome-ignore lint/suspicious/noExplicitAny: command definitions differ in their argument types.
type AnyCommand = CommandDef<any>;

/**
 * Each command's module is loaded when it runs (or for help), so `redshift-views check` never loads
 * what `provision` needs (the AWS SDK) and no command loads the emulator unless it uses it.
 */
export const commands: Readonly<Record<string, () => Promise<AnyCommand>>> = {
  generate: async () => (await import("./generate.js")).generateCommand,
  check: async () => (await import("./generate.js")).checkCommand,
  report: async () => (await import("./report.js")).reportCommand,
  "data-filter": async () => (await import("./data-filter.js")).dataFilterCommand,
  provision: async () => (await import("./provision.js")).provisionCommand,
  refresh: async () => (await import("./refresh.js")).refreshCommand,
  status: async () => (await import("./status.js")).statusCommand,
  emulator: async () => (await import("./emulator.js")).emulatorCommand,
};

export const VERSION: string = (
  createRequire(import.meta.url)("../../../package.json") as { version: string }
).version;

export const rootCommand: AnyCommand = {
  meta: {
    name: "redshift-views",
    version: VERSION,
    description:
      "PII-tiered Redshift materialized views from schema.prisma: generate, provision, refresh, status",
  },
  subCommands: commands,
};
