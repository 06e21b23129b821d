import type { CliIo } from "../io.js";

/** What a shell reports for a process stopped by SIGINT. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * The abort signal of a long command: the io's (tests), or one tied to SIGINT for the duration of the
 * command, saying `message` on the first Ctrl-C. A second Ctrl-C exits at once.
 */
export function interruptSignal(io: CliIo, message: string): { signal: AbortSignal; dispose: () => void } {
  if (io.signal !== undefined) return { signal: io.signal, dispose: () => {} };
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    io.stderr(message);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  return { signal: controller.signal, dispose: () => process.off("SIGINT", onSigint) };
}
