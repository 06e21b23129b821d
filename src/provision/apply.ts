import { DEFAULT_CONCURRENCY } from "../config/index.js";
import { RedshiftViewsError } from "../errors.js";
import { type OperationRecord, statementTiming } from "../history/operation-record.js";
import { type HistoryWrite, recordOperations } from "../history/record-operations.js";
import { runBy } from "../safety/run-by.js";
import { checkIdentifier, quote } from "../views/identifiers.js";
import type { StatementOutcome, Warehouse } from "../warehouse/index.js";
import { createLimiter, MAX_BATCH_STATEMENTS, statementName } from "../warehouse/index.js";
import { blockingDependents, type Dependent } from "./dependents.js";
import { rebuildStatements } from "./desired-views.js";
import { type OutcomeTiming, outcomeRecord } from "./outcome-record.js";
import { itemDependents, type PlanItem, type ProvisionPlan } from "./plan.js";

/** How long an interrupted apply still waits for statements already submitted. */
export const DEFAULT_GRACE_MS = 5000;

export type ViewAction = "add" | "update" | "drop";

/** What happened to one view. Failures are results: one bad view never stops the others. */
export type ViewOutcome =
  | {
      readonly kind: "applied";
      readonly action: ViewAction;
      readonly schema: string;
      readonly name: string;
      readonly durationMs: number;
      /** The Data API statement (for drops, the batch it was part of). */
      readonly statementId: string;
      /** Dropped with it by `--cascade`. */
      readonly cascaded?: readonly Dependent[];
    }
  | {
      readonly kind: "failed";
      readonly action: ViewAction | "conflict";
      readonly schema: string;
      readonly name: string;
      readonly error: string;
      readonly sql?: string;
      /** Absent when nothing was submitted for it. */
      readonly statementId?: string;
      /** Set when the view was refused because bound objects depend on it (see `--cascade`). */
      readonly dependents?: readonly Dependent[];
    }
  /** The run was interrupted before this view's statement was submitted: the view is as it was. */
  | {
      readonly kind: "not_submitted";
      readonly action: ViewAction;
      readonly schema: string;
      readonly name: string;
    }
  /**
   * Submitted, but the result was not seen (interrupted, or the connection failed while waiting). The
   * view is either as it was or as planned, never in between: its statements are one transaction.
   */
  | {
      readonly kind: "unknown";
      readonly action: ViewAction;
      readonly schema: string;
      readonly name: string;
      readonly reason: string;
      readonly statementId?: string;
    };

export type ViewOutcomeKind = ViewOutcome["kind"];

export interface ApplyResult {
  readonly environment: string;
  readonly outcomes: readonly ViewOutcome[];
  /** The signal was aborted during the apply: some views may be `not_submitted` or `unknown`. */
  readonly interrupted: boolean;
  /** Whether the outcomes were written to the operation history that `status` reads. */
  readonly history: HistoryWrite;
}

export interface ApplyOptions {
  /** Called as each view finishes, for progress output. */
  readonly onOutcome?: (outcome: ViewOutcome, done: number, total: number) => void;
  /** Drop bound dependents with the views (`DROP … CASCADE`) instead of refusing those views. */
  readonly cascade?: boolean;
  /** Once aborted, nothing more is submitted; statements in flight get `graceMs` to finish. */
  readonly signal?: AbortSignal;
  readonly graceMs?: number;
  /** Views submitted at once. Default 20 (the warehouse caps it again). */
  readonly concurrency?: number;
  /** `user@host` written to the operation history. Default: this process's. */
  readonly recordedBy?: string;
  readonly now?: () => Date;
  /** How long the history write may take once interrupted. Default `INTERRUPTED_HISTORY_MS`. */
  readonly interruptedHistoryMs?: number;
}

type Rebuild = Extract<PlanItem, { kind: "add" | "update" }>;
type Drop = Extract<PlanItem, { kind: "drop" }>;

/** A unit of work: one rebuild transaction, or one batch of drops. */
interface Task {
  readonly action: ViewAction;
  readonly views: readonly {
    schema: string;
    name: string;
    cascaded: readonly Dependent[];
    /** The DDL hash a rebuild installs. */
    hash?: string;
  }[];
  readonly sqls: readonly string[];
  readonly name: string;
}

/**
 * Applies a plan: each added/updated view is rebuilt in its own transaction (DROP, CREATE, COMMENT,
 * GRANT), so a failed CREATE leaves the previous view in place; orphans are dropped in batches of up
 * to 40. A view that bound objects depend on is refused unless `cascade`. Interrupting (the signal)
 * stops submitting and reports every view as applied, failed, not submitted or unknown.
 */
export async function applyPlan(
  warehouse: Warehouse,
  plan: ProvisionPlan,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const cascade = options.cascade === true;
  const now = options.now ?? (() => new Date());
  const by = runBy(options.recordedBy);
  const outcomes: ViewOutcome[] = [];
  const history: OperationRecord[] = [];
  const work = plan.items.filter((item) => item.kind !== "unchanged" && item.kind !== "unmanaged");
  const total = work.length;
  /**
   * Reports a view's outcome and keeps it for the history: `timing` is what its statement said
   * (none was sent when absent), `hash` the DDL hash a rebuild was to install.
   */
  const record = (outcome: ViewOutcome, timing?: OutcomeTiming, hash?: string) => {
    outcomes.push(outcome);
    const entry = outcomeRecord(outcome, timing ?? { startedAt: now(), durationMs: 0 }, { by, hash });
    if (entry !== undefined) history.push(entry);
    options.onOutcome?.(outcome, outcomes.length, total);
  };

  const rebuilds: Rebuild[] = [];
  const drops: Drop[] = [];
  for (const item of plan.items) {
    switch (item.kind) {
      case "conflict":
        record({
          kind: "failed",
          action: "conflict",
          schema: item.view.schema,
          name: item.view.name,
          error: `${item.view.schema}.${item.view.name} exists but was not created by prisma-redshift-views, so it is left alone.`,
        });
        break;
      case "add":
      case "update":
      case "drop": {
        const refusal = refuse(item, cascade);
        if (refusal !== undefined)
          record(refusal, undefined, item.kind === "drop" ? undefined : item.view.hash);
        else if (item.kind === "drop") drops.push(item);
        else rebuilds.push(item);
        break;
      }
      case "unchanged":
      case "unmanaged":
        break;
    }
  }

  const signal = options.signal;
  const interrupted = () => signal?.aborted === true;
  if (rebuilds.length > 0) {
    const schemas = [...new Set(rebuilds.map((item) => item.view.schema))].sort();
    const outcome = interrupted()
      ? undefined
      : await warehouse
          .executeBatch(
            schemas.map((schema) => `CREATE SCHEMA IF NOT EXISTS ${quote(schema)};`),
            { name: statementName(plan.environment, "schema") },
          )
          .catch((error: unknown) => failedOutcome(error));
    if (outcome === undefined) {
      for (const item of rebuilds) record(notSubmitted(item.kind, item.view.schema, item.view.name));
      rebuilds.length = 0;
    } else if (outcome.kind === "thrown") {
      for (const item of rebuilds)
        record(
          {
            kind: "failed",
            action: item.kind,
            schema: item.view.schema,
            name: item.view.name,
            error: outcome.error,
          },
          undefined,
          item.view.hash,
        );
      rebuilds.length = 0;
    } else if (outcome.kind !== "finished") {
      for (const item of rebuilds)
        record(
          failure(item.kind, item.view.schema, item.view.name, outcome),
          timingOf(outcome),
          item.view.hash,
        );
      rebuilds.length = 0;
    }
  }

  const tasks: Task[] = [
    ...rebuilds.map((item): Task => {
      const [drop = "", ...rest] = rebuildStatements(item.view);
      const cascaded = cascade ? blockingDependents(itemDependents(item)) : [];
      return {
        action: item.kind,
        views: [{ schema: item.view.schema, name: item.view.name, cascaded, hash: item.view.hash }],
        sqls: [cascaded.length > 0 ? drop.replace(/;$/, " CASCADE;") : drop, ...rest],
        name: statementName(plan.environment, "create", `${item.view.schema}.${item.view.name}`),
      };
    }),
    ...chunk(drops, MAX_BATCH_STATEMENTS).map((batch): Task => {
      const views = batch.map((item) => ({
        schema: item.schema,
        name: item.name,
        cascaded: cascade ? blockingDependents(itemDependents(item)) : [],
      }));
      const only = views.length === 1 ? views[0] : undefined;
      return {
        action: "drop",
        views,
        sqls: views.map(
          (view) =>
            `DROP MATERIALIZED VIEW IF EXISTS ${quote(view.schema)}.${quote(view.name)}${view.cascaded.length > 0 ? " CASCADE" : ""};`,
        ),
        name: statementName(
          plan.environment,
          "drop",
          only === undefined ? undefined : `${only.schema}.${only.name}`,
        ),
      };
    }),
  ];

  const deadline = graceDeadline(signal, options.graceMs ?? DEFAULT_GRACE_MS);
  const limit = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
  try {
    await Promise.all(
      tasks.map((task) =>
        limit(async () => {
          if (interrupted()) {
            for (const view of task.views) record(notSubmitted(task.action, view.schema, view.name));
            return;
          }
          const started = now();
          let statementId: string | undefined;
          const submitted = warehouse
            .executeBatch(task.sqls, {
              name: task.name,
              signal: deadline.expired,
              onSubmitted: (id) => {
                statementId = id;
              },
            })
            .catch((error: unknown) => failedOutcome(error));
          const outcome = await Promise.race([submitted, deadline.promise]);
          // Its end was not seen: what is known is when it was sent, and its id if it was accepted.
          const timing =
            outcome.kind === "thrown" || outcome.kind === "late"
              ? {
                  startedAt: started,
                  durationMs: now().getTime() - started.getTime(),
                  ...(statementId === undefined ? {} : { statementId }),
                }
              : timingOf(outcome);
          for (const view of task.views) {
            const viewOutcome = taskOutcome(task, view, outcome);
            record(
              statementId === undefined || viewOutcome.kind !== "unknown"
                ? viewOutcome
                : { ...viewOutcome, statementId },
              timing,
              view.hash,
            );
          }
        }),
      ),
    );
  } finally {
    deadline.clear();
  }
  return {
    environment: plan.environment,
    outcomes: outcomes.sort(byView),
    interrupted: interrupted(),
    history: await (interrupted()
      ? recordInTime(
          recordOperations(warehouse, plan.environment, history),
          history.length,
          options.interruptedHistoryMs ?? INTERRUPTED_HISTORY_MS,
        )
      : recordOperations(warehouse, plan.environment, history)),
  };
}

function timingOf(outcome: StatementOutcome): OutcomeTiming {
  return { ...statementTiming(outcome), ...(outcome.kind === "aborted" ? { aborted: true } : {}) };
}

/** The history write after an interrupt gets this long, so that Ctrl-C is not held up by a slow warehouse. */
export const INTERRUPTED_HISTORY_MS = 10_000;

function recordInTime(write: Promise<HistoryWrite>, operations: number, ms: number): Promise<HistoryWrite> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<HistoryWrite>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          kind: "failed",
          operations,
          recorded: 0,
          error: `The run was interrupted and the history write did not finish within ${ms / 1000} s.`,
        }),
      ms,
    );
  });
  return Promise.race([write, late]).finally(() => clearTimeout(timer));
}

/** A reason not to submit an item at all: an unsafe identifier, or bound dependents without `--cascade`. */
function refuse(item: Rebuild | Drop, cascade: boolean): ViewOutcome | undefined {
  const schema = item.kind === "drop" ? item.schema : item.view.schema;
  const name = item.kind === "drop" ? item.name : item.view.name;
  const problem = [
    checkIdentifier(schema, "schema"),
    checkIdentifier(name, "view"),
    item.kind === "drop" ? undefined : checkIdentifier(item.view.firstColumn, "column"),
  ].find((candidate) => candidate !== undefined);
  if (problem !== undefined)
    return {
      kind: "failed",
      action: item.kind,
      schema,
      name,
      error: `${problem} Nothing was submitted for it.`,
    };
  const blocking = blockingDependents(itemDependents(item));
  if (blocking.length === 0 || cascade) return undefined;
  return {
    kind: "failed",
    action: item.kind,
    schema,
    name,
    error: `Not ${item.kind === "drop" ? "dropped" : "rebuilt"}: ${describeDependents(blocking)} depend${blocking.length === 1 ? "s" : ""} on it, so its DROP would fail. Run again with --cascade to drop ${blocking.length === 1 ? "it" : "them"} with the view, or drop ${blocking.length === 1 ? "it" : "them"} first.`,
    dependents: blocking,
  };
}

export function describeDependents(dependents: readonly Dependent[]): string {
  return dependents
    .map((dependent) => `${dependent.schema}.${dependent.name} (${dependent.kind.replace(/_/g, " ")})`)
    .join(", ");
}

/** What a thrown error means for a statement: before submission it failed; afterwards it is unknown. */
type Thrown = { readonly kind: "thrown"; readonly error: string; readonly submitted: boolean };
type Late = { readonly kind: "late" };

const NOT_SUBMITTED_CODES = new Set(["E_STATEMENT_TOO_LARGE", "E_BATCH_TOO_LARGE"]);

function failedOutcome(error: unknown): Thrown {
  if (error instanceof RedshiftViewsError)
    return {
      kind: "thrown",
      error: `[${error.code}] ${error.message} ${error.hint}`,
      submitted: !NOT_SUBMITTED_CODES.has(error.code),
    };
  return { kind: "thrown", error: error instanceof Error ? error.message : String(error), submitted: true };
}

function taskOutcome(
  task: Task,
  view: Task["views"][number],
  outcome: StatementOutcome | Thrown | Late,
): ViewOutcome {
  const { schema, name } = view;
  switch (outcome.kind) {
    case "finished":
      return {
        kind: "applied",
        action: task.action,
        schema,
        name,
        durationMs: outcome.durationMs,
        statementId: outcome.id,
        ...(view.cascaded.length > 0 ? { cascaded: view.cascaded } : {}),
      };
    case "failed":
    case "aborted":
      return failure(task.action, schema, name, outcome);
    case "thrown":
      return outcome.submitted
        ? { kind: "unknown", action: task.action, schema, name, reason: outcome.error }
        : { kind: "failed", action: task.action, schema, name, error: outcome.error };
    case "late":
      return {
        kind: "unknown",
        action: task.action,
        schema,
        name,
        reason: "interrupted while its statement was running",
      };
  }
}

/**
 * Resolves `late` once the signal has been aborted for `graceMs`, and then aborts `expired`: the
 * statements still in flight stop being waited for, which frees their slots for the history write.
 */
function graceDeadline(
  signal: AbortSignal | undefined,
  graceMs: number,
): { promise: Promise<Late>; expired: AbortSignal; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const expiry = new AbortController();
  const promise = new Promise<Late>((resolve) => {
    if (signal === undefined) return;
    onAbort = () => {
      timer = setTimeout(() => {
        expiry.abort();
        resolve({ kind: "late" });
      }, graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  return {
    promise,
    expired: expiry.signal,
    clear: () => {
      if (timer !== undefined) clearTimeout(timer);
      if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
    },
  };
}

function notSubmitted(action: ViewAction, schema: string, name: string): ViewOutcome {
  return { kind: "not_submitted", action, schema, name };
}

function failure(
  action: ViewAction,
  schema: string,
  name: string,
  outcome: Exclude<StatementOutcome, { kind: "finished" }>,
): ViewOutcome {
  if (outcome.kind === "aborted")
    return {
      kind: "failed",
      action,
      schema,
      name,
      error: "The statement was aborted.",
      statementId: outcome.id,
    };
  const blocked = /\b2BP01\b|because other objects depend on it/i.test(outcome.error)
    ? " Objects created since the plan depend on it: run again (the plan will list them) and use --cascade or drop them."
    : "";
  return {
    kind: "failed",
    action,
    schema,
    name,
    error: `${outcome.error}${blocked}`,
    ...(outcome.failedSql === undefined ? {} : { sql: outcome.failedSql }),
    statementId: outcome.id,
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

function byView(a: ViewOutcome, b: ViewOutcome): number {
  const left = `${a.schema}.${a.name}`;
  const right = `${b.schema}.${b.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function failedOutcomes(result: ApplyResult): Extract<ViewOutcome, { kind: "failed" }>[] {
  return result.outcomes.filter(
    (outcome): outcome is Extract<ViewOutcome, { kind: "failed" }> => outcome.kind === "failed",
  );
}

/** Whether every view's state is known and as planned. */
export function applySucceeded(result: ApplyResult): boolean {
  return result.outcomes.every((outcome) => outcome.kind === "applied");
}
