import { setMaxListeners } from "node:events";
import { RedshiftViewsError } from "../errors.js";
import { renderStatement } from "../sql/render.js";
import type { Statement } from "../sql/statement.js";
import { createLimiter, type Warehouse } from "../warehouse/index.js";
import type { OutcomeTiming, TaskEnd } from "./outcome.js";
import type { Task } from "./tasks.js";

export interface RunTasksOptions {
  /** Once aborted, nothing more is submitted. */
  readonly signal?: AbortSignal | undefined;
  /** How long statements already submitted are still waited for once `signal` is aborted. */
  readonly graceMs: number;
  /** Tasks in flight at once. */
  readonly concurrency: number;
  readonly now: () => Date;
  /**
   * Called once per task with how each of its batches ended, in order: empty when nothing was
   * submitted (interrupted first); batches after one that did not finish are not sent. `timing` is
   * the first batch's.
   */
  readonly onEnd: (task: Task, ends: readonly TaskEnd[], timing: OutcomeTiming) => void;
}

/**
 * Submits every task under the concurrency cap and waits for each; a task's batches run one after
 * the other, each its own transaction. Interrupting stops submissions at once; statements in flight
 * get `graceMs`, after which they stop being waited for (they keep running on the warehouse) so that
 * their concurrency slots are free for what the run does next.
 */
export async function runTasks(
  warehouse: Warehouse,
  tasks: readonly Task[],
  options: RunTasksOptions,
): Promise<void> {
  const { signal, now } = options;
  const waitSignal = graceSignal(signal, options.graceMs);
  const limit = createLimiter(options.concurrency);
  await Promise.all(
    tasks.map((task) =>
      limit(async () => {
        const ends: TaskEnd[] = [];
        let timing: OutcomeTiming = { startedAt: now(), durationMs: 0 };
        for (const [index, batch] of task.batches.entries()) {
          const end =
            signal?.aborted === true ? undefined : await runBatch(warehouse, task, batch, waitSignal, now);
          if (end === undefined) break;
          ends.push(end.end);
          if (index === 0) timing = end.timing;
          if (end.end.kind !== "finished") break;
        }
        options.onEnd(task, ends, timing);
      }),
    ),
  );
}

/** One batch of a task; `undefined` when it never reached the warehouse (interrupted while queued). */
async function runBatch(
  warehouse: Warehouse,
  task: Task,
  batch: readonly Statement[],
  waitSignal: AbortSignal,
  now: () => Date,
): Promise<{ end: TaskEnd; timing: OutcomeTiming } | undefined> {
  const started = now();
  let statementId: string | undefined;
  const end: TaskEnd | undefined = await warehouse
    .executeBatch(batch.map(renderStatement), {
      name: task.name,
      signal: waitSignal,
      onSubmitted: (id) => {
        statementId = id;
      },
    })
    .catch((error: unknown) =>
      // Stopped while queued for a slot: it never reached the warehouse.
      isInterruption(error) && statementId === undefined ? undefined : thrownEnd(error, statementId),
    );
  if (end === undefined) return undefined;
  // Its end was not seen: what is known is when it was sent, and its id if it was accepted.
  const timing: OutcomeTiming =
    end.kind === "thrown"
      ? {
          startedAt: started,
          durationMs: now().getTime() - started.getTime(),
          ...(statementId === undefined ? {} : { statementId }),
        }
      : {
          statementId: end.id,
          startedAt: end.submittedAt,
          durationMs: end.kind === "aborted" ? 0 : (end.durationMs ?? 0),
          ...(end.kind === "aborted" ? { aborted: true } : {}),
        };
  return { end, timing };
}

/** Rejected before submission: nothing reached the warehouse. */
const NOT_SUBMITTED_CODES: ReadonlySet<string> = new Set(["E_STATEMENT_TOO_LARGE", "E_BATCH_TOO_LARGE"]);

/** What a thrown error means for a statement: before submission it failed; afterwards it is unknown. */
export function thrownEnd(error: unknown, statementId?: string): TaskEnd {
  const id = statementId === undefined ? {} : { id: statementId };
  if (error instanceof RedshiftViewsError) {
    const submitted = !NOT_SUBMITTED_CODES.has(error.code);
    return {
      kind: "thrown",
      error:
        error.code === "E_INTERRUPTED"
          ? "interrupted while its statement was running"
          : `[${error.code}] ${error.message} ${error.hint}`,
      submitted,
      ...id,
    };
  }
  return {
    kind: "thrown",
    error: error instanceof Error ? error.message : String(error),
    submitted: true,
    ...id,
  };
}

function isInterruption(error: unknown): boolean {
  return error instanceof RedshiftViewsError && error.code === "E_INTERRUPTED";
}

/** Aborts `graceMs` after `signal` does (never, without one). */
function graceSignal(signal: AbortSignal | undefined, graceMs: number): AbortSignal {
  const expired = new AbortController();
  // Every statement in flight waits on it: as many listeners as the concurrency allows.
  setMaxListeners(0, expired.signal);
  const start = () => {
    const timeout = AbortSignal.timeout(graceMs);
    timeout.addEventListener("abort", () => expired.abort(timeout.reason), { once: true });
  };
  if (signal?.aborted === true) start();
  else signal?.addEventListener("abort", start, { once: true });
  return expired.signal;
}
