import type { ArgsDef } from "citty";
import { openSession, type WarehouseSession } from "../provision/session.js";
import type { WarehouseEvent } from "../warehouse/index.js";
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
export function openCommandSession(
  io: CliIo,
  args: {
    environment: string;
    schema?: string | undefined;
    generator?: string | undefined;
    config?: string | undefined;
  },
): Promise<WarehouseSession> {
  return openSession({
    cwd: io.cwd,
    environment: args.environment,
    schemaPath: args.schema,
    generatorName: args.generator,
    configFile: args.config,
    env: io.env,
    onWarehouseEvent: io.verbosity === "verbose" ? (event) => logWarehouseEvent(io, event) : undefined,
  });
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
