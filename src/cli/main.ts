import { stripVTControlCharacters } from "node:util";
import { type ArgsDef, type CommandDef, renderUsage, runCommand } from "citty";
import { formatErrorLine, toRedshiftViewsErrors } from "../errors.js";
import { commands, rootCommand, VERSION } from "./commands/index.js";
import type { CliIo, Verbosity } from "./io.js";
import { UsageError } from "./usage-error.js";

const HELP = new Set(["--help", "-h"]);

const GLOBAL_OPTIONS = [
  "GLOBAL OPTIONS",
  "",
  "  --quiet, -q    Print results and errors only, no progress",
  "    --verbose    Also print every SQL statement submitted to the warehouse, and every retry",
  "  --help, -h     Show help",
].join("\n");

/**
 * Runs the CLI in-process and returns the exit code: 0 success, 1 failure or drift, 2 usage error.
 * `bin.ts` is the only caller that touches `process`.
 */
export async function runCli(argv: readonly string[], givenIo: CliIo): Promise<number> {
  const { verbosity, args } = globalFlags(argv);
  const io: CliIo = verbosity === undefined ? givenIo : { ...givenIo, verbosity };
  const [name, ...rest] = args;
  if (name === undefined || HELP.has(name)) {
    io.stdout(plain(io, `${await renderUsage(rootCommand)}\n\n${GLOBAL_OPTIONS}`));
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(VERSION);
    return 0;
  }
  const load = commands[name];
  if (load === undefined) {
    io.stderr(
      `Unknown command "${name}". Commands: ${Object.keys(commands).join(", ")}. See redshift-views --help.`,
    );
    return 2;
  }
  const command = await load();
  if (rest.some((arg) => HELP.has(arg))) {
    io.stdout(plain(io, `${await renderUsage(command, rootCommand)}\n\n${GLOBAL_OPTIONS}`));
    return 0;
  }
  try {
    checkFlags(rest, command);
    const { result } = await runCommand(command, { rawArgs: [...rest], data: io });
    return typeof result === "number" ? result : 0;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && error.name === "CLIError")) {
      io.stderr(
        `${io.colors.red("✖")} ${stripVTControlCharacters(error.message)}\n  → See redshift-views ${name} --help.`,
      );
      return 2;
    }
    for (const problem of toRedshiftViewsErrors(error))
      io.stderr(`${io.colors.red("✖")} ${formatErrorLine(problem)}`);
    return 1;
  }
}

/** `--quiet`/`-q` and `--verbose` work with every command, before or after its name. */
function globalFlags(argv: readonly string[]): { verbosity: Verbosity | undefined; args: string[] } {
  let verbosity: Verbosity | undefined;
  const args: string[] = [];
  for (const [index, arg] of argv.entries()) {
    if (argv.slice(0, index).includes("--")) args.push(arg);
    else if (arg === "--quiet" || arg === "-q") verbosity = "quiet";
    else if (arg === "--verbose") verbosity = "verbose";
    else args.push(arg);
  }
  return { verbosity, args };
}

/** citty accepts any flag; a typo such as `--dryrun` must not silently do the real thing. */
function checkFlags(rawArgs: readonly string[], command: CommandDef<ArgsDef>): void {
  const args = (command.args ?? {}) as ArgsDef;
  const known = new Set<string>();
  for (const [key, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    known.add(key);
    known.add(key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`));
    for (const alias of ["alias" in def ? (def.alias ?? []) : []].flat()) known.add(alias);
  }
  for (const arg of rawArgs) {
    if (arg === "--") break;
    if (!arg.startsWith("-")) continue;
    const flag = arg.replace(/^--?/, "").split("=")[0] ?? "";
    if (!known.has(flag) && !known.has(flag.replace(/^no-/, ""))) {
      throw new UsageError(`Unknown option ${arg}.`);
    }
  }
}

/** citty colours its usage text on its own; keep it plain when our output is. */
function plain(io: CliIo, text: string): string {
  return io.colors.isColorSupported ? text : stripVTControlCharacters(text);
}
