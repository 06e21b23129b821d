import { runBy } from "../bookkeeping/run-by.js";
import type { OperationRecord } from "../history/operation-record.js";
import { type HistoryWrite, recordOperations } from "../history/record-operations.js";
import type { ProvisionPlan } from "../plan/plan.js";
import { renderPrincipal, renderStatement } from "../sql/render.js";
import type { Statement } from "../sql/statement.js";
import { compareRelations } from "../text/compare.js";
import { DEFAULT_CONCURRENCY, type Warehouse } from "../warehouse/index.js";
import {
  type OutcomeTiming,
  outcomeRecord,
  type TaskEnd,
  taskOutcome,
  type ViewOutcome,
  viewOutcome,
} from "./outcome.js";
import { runTasks, thrownEnd } from "./run-tasks.js";
import { planTasks, type Task } from "./tasks.js";

/** How long an interrupted apply still waits for statements already submitted. */
const DEFAULT_GRACE_MS = 5000;

/** The history write after an interrupt gets this long, so that Ctrl-C is not held up by a slow warehouse. */
const INTERRUPTED_HISTORY_MS = 10_000;

export interface ApplyResult {
  readonly environment: string;
  /** Sorted by schema and view. */
  readonly outcomes: readonly ViewOutcome[];
  /** The signal was aborted during the apply: some views may be `not_submitted` or `unknown`. */
  readonly interrupted: boolean;
  /** Whether the outcomes were written to the operation history that `status` reads. */
  readonly history: HistoryWrite;
}

export interface ApplyOptions {
  /** Called as each view finishes, for progress output. */
  readonly onOutcome?: ((outcome: ViewOutcome, done: number, total: number) => void) | undefined;
  /** Drop bound dependents with the views (`DROP … CASCADE`) instead of refusing those views. */
  readonly cascade?: boolean | undefined;
  /** Once aborted, nothing more is submitted; statements in flight get `graceMs` to finish. */
  readonly signal?: AbortSignal | undefined;
  readonly graceMs?: number | undefined;
  /** Views submitted at once (the warehouse caps it again). */
  readonly concurrency?: number | undefined;
  /** `user@host` written to the operation history. Default: this process's. */
  readonly recordedBy?: string | undefined;
  readonly now?: (() => Date) | undefined;
  /** How long the history write may take once interrupted. Default `INTERRUPTED_HISTORY_MS`. */
  readonly interruptedHistoryMs?: number | undefined;
  /** Where the grantees of a view schema are configured (`grants.pii`…), to name when a GRANT fails. */
  readonly grantsKey?: ((schema: string) => string) | undefined;
  /**
   * Called once after the apply with the views whose statements failed on the warehouse: the cause
   * of each that can be told, in plain words, by `schema.view`. It is added to the view's error and
   * to its history record.
   */
  readonly explainFailures?: ExplainFailures | undefined;
}

/** Causes, in plain words, of failures the warehouse's message does not make plain, by `schema.view`. */
type ExplainFailures = (
  views: readonly { readonly schema: string; readonly name: string }[],
) => Promise<ReadonlyMap<string, string>>;

/**
 * A failure whose failing statement was one of this tool's GRANTs (the Data API says which statement
 * of a batch failed): most likely the grantee does not exist in the warehouse, so say which grantee,
 * where it is configured, and what to do. The warehouse's own message stays first.
 */
function explainGrantFailure(
  outcome: ViewOutcome,
  statements: readonly Statement[],
  end: TaskEnd,
  grantsKey: ((schema: string) => string) | undefined,
): ViewOutcome {
  if (outcome.kind !== "failed" || end.kind !== "failed") return outcome;
  const statement = statements[end.subStatementIndex ?? (statements.length === 1 ? 0 : -1)];
  if (statement?.kind !== "grant_select" && statement?.kind !== "grant_usage") return outcome;
  const schema = statement.kind === "grant_usage" ? statement.schema : statement.relation.schema;
  const grantee = renderPrincipal(statement.to);
  const key = grantsKey?.(schema) ?? "grants";
  return {
    ...outcome,
    error: `${outcome.error} (granting ${statement.kind === "grant_usage" ? `USAGE on ${schema}` : "SELECT"} to ${grantee}, configured in ${key}: create that ${statement.to.kind} in the warehouse, or take it out of ${key}; the view keeps its previous definition)`,
  };
}

/**
 * Applies a plan: the view schemas are created if missing, then every rebuild and drop batch is
 * submitted under the concurrency cap (see `planTasks`), then the outcomes are written to the
 * operation history. Interrupting (the signal) stops submitting and reports every view as applied,
 * failed, not submitted or unknown.
 */
export async function applyPlan(
  warehouse: Warehouse,
  plan: ProvisionPlan,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const now = options.now ?? (() => new Date());
  const by = runBy(options.recordedBy);
  const { signal } = options;
  const interrupted = () => signal?.aborted === true;
  const tasks = planTasks(plan, { cascade: options.cascade === true });
  const total =
    tasks.decided.length +
    [...tasks.rebuilds, ...tasks.comments, ...tasks.drops].reduce((sum, task) => sum + task.views.length, 0);
  const outcomes: ViewOutcome[] = [];
  const history: OperationRecord[] = [];
  /** Reports a view's outcome and keeps its history record (`timing` absent: nothing was sent). */
  const record = (outcome: ViewOutcome, timing?: OutcomeTiming, hash?: string) => {
    outcomes.push(outcome);
    const entry = outcomeRecord(outcome, timing ?? { startedAt: now(), durationMs: 0 }, { by, hash });
    if (entry !== undefined) history.push(entry);
    options.onOutcome?.(outcome, outcomes.length, total);
  };

  for (const { outcome, hash } of tasks.decided) record(outcome, undefined, hash);

  // Each schema's batch (the schema, USAGE) before the views in it: a failure fails those views.
  const failedSchemas = new Map<string, { end: TaskEnd | undefined; statements: readonly Statement[] }>();
  await Promise.all(
    tasks.schemas.map(async (task) => {
      const end: TaskEnd | undefined = interrupted()
        ? undefined
        : await warehouse
            .executeBatch(task.statements.map(renderStatement), { name: task.name })
            .catch((error: unknown) => thrownEnd(error));
      if (end?.kind !== "finished") failedSchemas.set(task.schema, { end, statements: task.statements });
    }),
  );
  const blocked = (task: Task) => task.views.some((view) => failedSchemas.has(view.schema));
  for (const task of [...tasks.rebuilds, ...tasks.comments].filter(blocked))
    for (const view of task.views) {
      const failure = failedSchemas.get(view.schema);
      const end = failure?.end;
      if (end === undefined) {
        record({ kind: "not_submitted", action: task.action, schema: view.schema, name: view.name });
        continue;
      }
      const outcome =
        end.kind === "thrown"
          ? ({
              kind: "failed",
              action: task.action,
              schema: view.schema,
              name: view.name,
              error: end.error,
            } as const)
          : viewOutcome(task.action, view, end);
      record(
        explainGrantFailure(outcome, failure?.statements ?? [], end, options.grantsKey),
        end.kind === "thrown"
          ? undefined
          : {
              statementId: end.id,
              startedAt: end.submittedAt,
              durationMs: end.kind === "failed" ? (end.durationMs ?? 0) : 0,
              ...(end.kind === "aborted" ? { aborted: true } : {}),
            },
        view.hash,
      );
    }

  const runnable = [...tasks.rebuilds, ...tasks.comments].filter((task) => !blocked(task));
  await runTasks(warehouse, [...runnable, ...tasks.drops], {
    signal,
    graceMs: options.graceMs ?? DEFAULT_GRACE_MS,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    now,
    onEnd: (task, ends, timing) => {
      const failed = ends.findIndex((end) => end.kind !== "finished");
      const end = ends[failed];
      for (const view of task.views)
        record(
          end === undefined
            ? taskOutcome(task.action, view, ends)
            : explainGrantFailure(
                taskOutcome(task.action, view, ends),
                task.batches[failed] ?? [],
                end,
                options.grantsKey,
              ),
          timing,
          view.hash,
        );
    },
  });

  const explained = await explainFailed(outcomes, history, options.explainFailures);
  return {
    environment: plan.environment,
    outcomes: explained.outcomes.sort(compareRelations),
    interrupted: interrupted(),
    history: await recordOperations(warehouse, plan.environment, explained.history, {
      // After Ctrl-C the user is waiting: the write gets a bounded time, then gives up.
      ...(interrupted()
        ? { signal: AbortSignal.timeout(options.interruptedHistoryMs ?? INTERRUPTED_HISTORY_MS) }
        : {}),
    }),
  };
}

/** The outcomes and history records of views the warehouse failed, with their causes added. */
async function explainFailed(
  outcomes: readonly ViewOutcome[],
  history: readonly OperationRecord[],
  explain: ExplainFailures | undefined,
): Promise<{ outcomes: ViewOutcome[]; history: OperationRecord[] }> {
  const failed = outcomes.filter(
    (outcome) =>
      outcome.kind === "failed" && outcome.statementId !== undefined && outcome.dependents === undefined,
  );
  if (explain === undefined || failed.length === 0) return { outcomes: [...outcomes], history: [...history] };
  const causes = await explain(failed);
  const withCause = (error: string, key: string) => {
    const cause = causes.get(key);
    return cause === undefined ? error : `${error} (${cause})`;
  };
  return {
    outcomes: outcomes.map((outcome) =>
      outcome.kind === "failed" && failed.includes(outcome)
        ? { ...outcome, error: withCause(outcome.error, `${outcome.schema}.${outcome.name}`) }
        : outcome,
    ),
    history: history.map((record) =>
      record.status === "FAILED" && record.error !== undefined
        ? { ...record, error: withCause(record.error, `${record.schema}.${record.view}`) }
        : record,
    ),
  };
}

export function failedOutcomes(result: ApplyResult): Extract<ViewOutcome, { kind: "failed" }>[] {
  return result.outcomes.filter(
    (outcome): outcome is Extract<ViewOutcome, { kind: "failed" }> => outcome.kind === "failed",
  );
}

/** Whether every view's state is known and as planned, its column comments included. */
export function applySucceeded(result: ApplyResult): boolean {
  return result.outcomes.every(
    (outcome) => outcome.kind === "applied" && outcome.commentsError === undefined,
  );
}
