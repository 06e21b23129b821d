import { defineCommand } from "citty";
import type { FileAction } from "../../files/sync-templates.js";
import { countActions } from "../../files/sync-templates.js";
import { check, type GenerateOptions, generate } from "../../generate/generate.js";
import { outputArgs, schemaArgs } from "../args.js";
import { relativeTo } from "../format.js";
import type { CliIo } from "../io.js";

export const generateCommand = defineCommand({
  meta: {
    name: "generate",
    description: "Write the view templates from schema.prisma and prune stale ones (no Prisma CLI needed)",
  },
  args: { ...schemaArgs, ...outputArgs },
  async run({ args, data }) {
    const io = data as CliIo;
    const result = await generate(generateOptions(io, args));
    const counts = countActions(result.actions);
    io.stdout(
      `${relativeTo(io.cwd, result.outputDir)}: ${counts.create + counts.update} written, ${counts.unchanged} unchanged, ${counts.prune} pruned`,
    );
    for (const line of describeChanges(result.actions, io)) io.stdout(line);
    return 0;
  },
});

export const checkCommand = defineCommand({
  meta: {
    name: "check",
    description: "Exit 1 if the templates are out of date with schema.prisma; writes nothing (for CI)",
  },
  args: { ...schemaArgs, ...outputArgs },
  async run({ args, data }) {
    const io = data as CliIo;
    const result = await check(generateOptions(io, args));
    const where = relativeTo(io.cwd, result.outputDir);
    const changes = describeChanges(result.actions, io);
    if (result.upToDate) {
      io.stdout(`${io.colors.green("✔")} ${where} is up to date (${result.actions.length} templates).`);
      return 0;
    }
    io.stderr(`${io.colors.red("✖")} ${where} is out of date with the schema:`);
    for (const line of changes) io.stderr(line);
    io.stderr("  → Run `redshift-views generate` (or `prisma generate`) and commit the result.");
    return 1;
  },
});

function describeChanges(actions: readonly FileAction[], io: CliIo): string[] {
  const lines: string[] = [];
  for (const action of actions) {
    switch (action.kind) {
      case "create":
        lines.push(`  ${io.colors.green("+")} ${action.fileName} (new)`);
        break;
      case "update":
        lines.push(`  ${io.colors.yellow("~")} ${action.fileName} (changed)`);
        break;
      case "prune":
        lines.push(`  ${io.colors.red("-")} ${action.fileName} (no longer backed by a view)`);
        break;
      case "unchanged":
        break;
    }
  }
  return lines;
}

function generateOptions(
  io: CliIo,
  args: { schema?: string | undefined; output?: string | undefined; generator?: string | undefined },
): GenerateOptions {
  return {
    cwd: io.cwd,
    ...(args.schema === undefined ? {} : { schema: args.schema }),
    ...(args.output === undefined ? {} : { output: args.output }),
    ...(args.generator === undefined ? {} : { generator: args.generator }),
  };
}
