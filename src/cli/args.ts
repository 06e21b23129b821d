import type { ArgsDef } from "citty";
import type { SessionEvent, WarehouseOptions } from "../connect/options.js";
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

/** The library options a warehouse command's `<environment> [--schema] [--generator] [--config]` ask for. */
export function warehouseOptions(
  io: CliIo,
  args: {
    environment: string;
    schema?: string | undefined;
    generator?: string | undefined;
    config?: string | undefined;
  },
): WarehouseOptions {
  return {
    cwd: io.cwd,
    environment: args.environment,
    env: io.env,
    // Like --schema, --config is a path as typed, from where the user is.
    ...(args.schema === undefined ? {} : { schema: args.schema }),
    ...(args.generator === undefined ? {} : { generator: args.generator }),
    ...(args.config === undefined ? {} : { config: args.config }),
  };
}

/** Warnings on stderr; with `--verbose`, every statement as it is submitted and every retry. */
export function printSessionEvent(io: CliIo, event: SessionEvent): void {
  switch (event.kind) {
    case "warning":
      io.stderr(
        `${io.colors.yellow("!")} ${event.message}${event.hint === undefined ? "" : `\n  → ${event.hint}`}`,
      );
      break;
    case "warehouse": {
      if (io.verbosity !== "verbose") return;
      const inner = event.event;
      if (inner.kind === "submitted")
        io.stderr(io.colors.dim(`-- ${inner.name ?? "statement"} (${inner.id})\n${inner.sqls.join("\n")}`));
      else if (inner.kind === "retrying")
        io.stderr(
          io.colors.dim(
            `-- ${inner.operation} retry ${inner.attempt} in ${inner.delayMs} ms: ${inner.reason}`,
          ),
        );
      break;
    }
  }
}
