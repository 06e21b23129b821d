import type { CliIo } from "./io.js";

/** `DRY_RUN=1`, `true`, `yes` turn a flag on; `0`, `false`, empty leave it off. */
export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/** How often a long wait on the warehouse says it is still waiting. */
const HEARTBEAT_MS = 10_000;

export interface Progress {
  /** One item finished: prints its line with a counter. */
  step(line: string): void;
  /** Stops the heartbeat and prints the elapsed time (once; later calls do nothing). */
  done(): void;
}

/**
 * Progress while waiting on the warehouse, on stderr so stdout stays clean for `--json`: a line when
 * work starts, one per finished item with a counter, and a reminder every 10 s while nothing finishes.
 */
export function progressReporter(
  io: CliIo,
  label: string,
  total: number,
  heartbeatMs = HEARTBEAT_MS,
): Progress {
  if (io.verbosity === "quiet") return { step() {}, done() {} };
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let done = 0;
  let lastLine = started;
  let finished = false;
  if (total > 0) io.stderr(`${label} ${total} view${total === 1 ? "" : "s"}…`);
  const timer =
    total > 0
      ? setInterval(() => {
          if (done < total && Date.now() - lastLine >= heartbeatMs) {
            io.stderr(io.colors.dim(`  … ${done}/${total} done, waiting on the warehouse (${seconds()})`));
            lastLine = Date.now();
          }
        }, heartbeatMs)
      : undefined;
  timer?.unref();
  return {
    step(line: string): void {
      done++;
      lastLine = Date.now();
      io.stderr(`  [${String(done).padStart(String(total).length)}/${total}] ${line}`);
    },
    done(): void {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      if (total > 0) io.stderr(io.colors.dim(`  done in ${seconds()}`));
    },
  };
}
