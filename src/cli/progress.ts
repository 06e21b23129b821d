import type { CliIo } from "./io.js";

/** `DRY_RUN=1`, `true`, `yes` turn a flag on; `0`, `false`, empty leave it off. */
export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/**
 * Progress while waiting on the warehouse, on stderr so stdout stays clean for `--json`: one line per
 * finished item, prefixed with a counter.
 */
export function progressReporter(io: CliIo, label: string) {
  const started = Date.now();
  let announced = false;
  return {
    step(done: number, total: number, line: string) {
      if (!announced) {
        io.stderr(`${label} ${total} item${total === 1 ? "" : "s"}…`);
        announced = true;
      }
      const width = String(total).length;
      io.stderr(`  [${String(done).padStart(width)}/${total}] ${line}`);
    },
    done() {
      if (announced) io.stderr(io.colors.dim(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`));
    },
  };
}
