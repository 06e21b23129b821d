import { createInterface } from "node:readline/promises";
import pc from "picocolors";

type Colors = ReturnType<typeof pc.createColors>;

export type Verbosity = "quiet" | "normal" | "verbose";

/** Everything a command touches outside itself, so tests can run commands in-process. */
export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether a person is at the terminal (prompts, colours, progress). */
  readonly interactive: boolean;
  readonly colors: Colors;
  /** `--quiet` drops progress and notes; `--verbose` adds the SQL submitted. Default `normal`. */
  readonly verbosity?: Verbosity;
  /** Asks a yes/no question; only called when `interactive`. */
  readonly confirm: (question: string) => Promise<boolean>;
  /** Interrupts long-running commands (tests); without it, `provision` listens for SIGINT itself. */
  readonly signal?: AbortSignal;
}

function colorsFor(isTTY: boolean, env: NodeJS.ProcessEnv): Colors {
  const disabled = env.NO_COLOR !== undefined && env.NO_COLOR !== "";
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0";
  return pc.createColors(forced || (isTTY && !disabled));
}

export function processIo(): CliIo {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    stderr: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    interactive,
    colors: colorsFor(Boolean(process.stdout.isTTY), process.env),
    confirm: async (question) => {
      const readline = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return /^y(es)?$/i.test((await readline.question(`${question} [y/N] `)).trim());
      } catch {
        // Ctrl-C or Ctrl-D at the prompt is a "no".
        process.stdout.write("\n");
        return false;
      } finally {
        readline.close();
      }
    },
  };
}
