import {
  isActive,
  type StatementPart,
  type StatementRecord,
  type StatementStore,
} from "./statement-store.js";

/** When a statement's execution started: the clock reported (ms) and a monotonic one (ns) for timers. */
export interface ExecutionStart {
  readonly atMs: number;
  readonly hrtimeNs: bigint;
}

interface Held {
  readonly work: StatementRecord;
  readonly startedAtMs: number;
  readonly latencyMs: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * Injected latency as each statement's duration (see docs/emulator.md, "Injected latency: the timing
 * model"). A statement with latency L executes at once, in the engine's serial order, on a working
 * copy of its record; the record the Data API shows stays STARTED ("The query run has started",
 * https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_DescribeStatement.html) until its
 * execution has ended and L has passed since it started. Then the copy's outcome is revealed, shifted
 * so that it ended at start + max(L, execution).
 *
 * The execution committed when it ended, so a statement whose outcome is held is no longer running:
 * CancelStatement ("Cancels a running query. To be canceled, a query must be running.",
 * https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_CancelStatement.html) reveals it
 * as it ended, and is refused as for any statement that already ended, as when a cancel arrives just
 * after a statement finished. Stopping the emulator reveals every held outcome the same way.
 */
export class HeldOutcomes {
  private readonly held = new Map<StatementRecord, Held>();
  private stopped = false;

  constructor(private readonly store: StatementStore) {}

  /** Takes the ended execution `work` of `shown`; reveals it once `latencyMs` has passed since `start`. */
  hold(shown: StatementRecord, work: StatementRecord, start: ExecutionStart, latencyMs: number): void {
    const elapsedMs = Number(process.hrtime.bigint() - start.hrtimeNs) / 1e6;
    const remainingMs = latencyMs - elapsedMs;
    // A cancelled statement ends when its execution does, as without latency.
    if (this.stopped || remainingMs <= 0 || shown.cancelRequested === true) {
      reveal(shown, work, start.atMs, shown.cancelRequested === true || this.stopped ? 0 : latencyMs);
      this.store.changed();
      return;
    }
    const timer = setTimeout(() => {
      this.held.delete(shown);
      reveal(shown, work, start.atMs, latencyMs);
      this.store.changed();
    }, remainingMs);
    this.held.set(shown, { work, startedAtMs: start.atMs, latencyMs, timer });
  }

  /** Reveals at once, as it ended, the outcome of `record` if its execution has ended and is held. */
  revealEnded(record: StatementRecord): void {
    const held = this.held.get(record);
    if (held === undefined) return;
    clearTimeout(held.timer);
    this.held.delete(record);
    reveal(record, held.work, held.startedAtMs, 0);
    this.store.changed();
  }

  /** Reveals every held outcome as it ended; outcomes held later are revealed at once. */
  stop(): void {
    this.stopped = true;
    for (const record of [...this.held.keys()]) this.revealEnded(record);
  }
}

/** A working copy of a statement to execute while the record shown keeps its status. */
export function workingCopy(record: StatementRecord): StatementRecord {
  return { ...record, parts: record.parts.map((part) => ({ ...part })) };
}

/**
 * Copies the outcome of `work` onto `shown`, its times shifted so that the statement ends no earlier
 * than `latencyMs` after it started (0: as it ended), and lasts max(latency, execution). A batch's
 * sub-statements keep their own durations and are shifted with it. A statement that already ended (cancelled before it ran) is left.
 */
function reveal(shown: StatementRecord, work: StatementRecord, startedAtMs: number, latencyMs: number): void {
  if (!isActive(shown.status)) return;
  const shiftMs = Math.max(0, startedAtMs + latencyMs - work.updatedAt);
  const pairs: [StatementPart, StatementPart][] = [
    [shown, work],
    ...shown.parts.map((part, index): [StatementPart, StatementPart] => [part, work.parts[index] ?? part]),
  ];
  for (const [target, source] of pairs) {
    target.status = source.status;
    target.updatedAt = source.updatedAt + shiftMs;
    target.durationNs = source.durationNs;
    target.hasResultSet = source.hasResultSet;
    target.resultRows = source.resultRows;
    target.resultSize = source.resultSize;
    if (source.error !== undefined) target.error = source.error;
    if (source.result !== undefined) target.result = source.result;
  }
  if (work.durationNs >= 0) shown.durationNs = Math.max(work.durationNs, latencyMs * 1e6);
}
