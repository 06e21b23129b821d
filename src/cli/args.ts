import path from "node:path";
import type { ArgsDef } from "citty";
import { syncTemplates } from "../generate/generate.js";
import { HISTORY_RELATION, historyHint } from "../history/history-table.js";
import type { HistoryWrite } from "../history/record-operations.js";
import { openSession, type WarehouseSession } from "../provision/session.js";
import type { WarehouseEvent } from "../warehouse/index.js";
import { relativeTo } from "./format.js";
import type { CliIo } from "./io.js";

/** Flags every command that reads the schema takes. */
export const schemaArgs = {
  schema: {
    type: "string",
    description:
      "Path to schema.prisma or a multi-file schema folder (default: Prisma's lookup, prisma/schema.prisma)",
    valueHint: "path",
  },
  generator: {
    type: "string",
    description: "Name of the prisma-redshift-views generator block, when the schema has several",
    valueHint: "name",
  },
} as const satisfies ArgsDef;

export const outputArgs = {
  output: {
    type: "string",
    description: "Folder for the templates (default: the generator block's output, ../generated-views)",
    valueHint: "dir",
  },
} as const satisfies ArgsDef;

/** Flags of commands that talk to a warehouse. */
export const warehouseArgs = {
  environment: {
    type: "positional",
    description: "Environment to act on, e.g. development, staging, production",
    required: true,
  },
  config: {
    type: "string",
    description: "Path to redshift-views.config.ts/.json (default: found next to the project)",
    valueHint: "path",
  },
} as const satisfies ArgsDef;

/** The warehouse session a command's `<environment> [--schema] [--generator] [--config]` ask for. */
export async function openCommandSession(
  io: CliIo,
  args: {
    environment: string;
    schema?: string | undefined;
    generator?: string | undefined;
    config?: string | undefined;
  },
): Promise<WarehouseSession> {
  const session = await openSession({
    cwd: io.cwd,
    environment: args.environment,
    schemaPath: args.schema,
    generatorName: args.generator,
    // Like --schema, --config is a path as typed, from where the user is.
    configFile: args.config === undefined ? undefined : path.resolve(io.cwd, args.config),
    env: io.env,
    onWarehouseEvent: io.verbosity === "verbose" ? (event) => logWarehouseEvent(io, event) : undefined,
  });
  if (
    session.target.kind === "local" &&
    session.config.file === undefined &&
    args.environment !== "development"
  ) {
    io.stderr(
      `${io.colors.yellow("!")} No redshift-views.config file was found, so "${args.environment}" runs on the local emulator (${relativeTo(io.cwd, session.target.dataDir)}).\n  → To reach Redshift, add the environment to redshift-views.config.ts (or pass --config).`,
    );
  }
  return session;
}

/**
 * Provisioning works from the schema as it is now; if the committed templates say otherwise, the
 * reviewed diff is not what is being deployed, so say so (and regenerate, as the original did).
 */
export async function warnIfTemplatesDrifted(io: CliIo, session: WarehouseSession): Promise<void> {
  const { options, templates } = session.prepared;
  const { actions } = await syncTemplates(options.outputDir, templates, true);
  const changed = actions.filter((action) => action.kind !== "unchanged").map((action) => action.fileName);
  if (changed.length > 0) {
    io.stderr(
      `${io.colors.yellow("!")} ${relativeTo(io.cwd, options.outputDir)} was out of date with the schema; regenerated ${changed.join(", ")}.\n  → The plan below is for the schema as it is now: review and commit the regenerated templates.`,
    );
  }
}

/** The views are done either way; only `status`'s "last operation" of them is affected. */
export function warnIfHistoryFailed(io: CliIo, environment: string, history: HistoryWrite): void {
  if (history.kind === "recorded") return;
  io.stderr(
    `${io.colors.yellow("!")} Could not record ${history.operations - history.recorded} of ${history.operations} operations in ${HISTORY_RELATION}: ${history.error}\n  → The views are as reported above; \`redshift-views status ${environment}\` will show their previous operation. ${historyHint(history.error, false)}`,
  );
}

/** `--verbose`: every statement as it is submitted, and every retry. */
function logWarehouseEvent(io: CliIo, event: WarehouseEvent): void {
  switch (event.kind) {
    case "submitted":
      io.stderr(io.colors.dim(`-- ${event.name ?? "statement"} (${event.id})\n${event.sqls.join("\n")}`));
      break;
    case "retrying":
      io.stderr(
        io.colors.dim(`-- ${event.operation} retry ${event.attempt} in ${event.delayMs} ms: ${event.reason}`),
      );
      break;
    case "polled":
    case "completed":
      break;
  }
}
