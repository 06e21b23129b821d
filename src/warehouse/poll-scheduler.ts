import type { DescribeStatementResponse, ListStatementsResponse } from "@aws-sdk/client-redshift-data";
import type { PollOptions, StatementStatus } from "./types.js";

const TERMINAL: ReadonlySet<string> = new Set(["FINISHED", "FAILED", "ABORTED"]);

/**
 * ListStatements returns at most 100 statements a page ("MaxResults … Valid Range: Minimum value of 0.
 * Maximum value of 100.", https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ListStatements.html).
 */
export const LIST_PAGE_SIZE = 100;
/**
 * Pages one tick reads at most. The reference does not say in which order statements are listed;
 * the newest come first in practice, so a run's statements in flight are on the first page. Any not
 * found within these pages are asked for with DescribeStatement instead.
 */
const MAX_LIST_PAGES = 2;
/**
 * Statements due within this long after the earliest are polled together when the last of them is due
 * (the earliest a little late, none early: a poll that comes before a statement's end costs it a whole
 * further interval), so that statements submitted together share one ListStatements rather than each
 * getting a DescribeStatement.
 */
const COALESCE_MS = 50;
/** Statements a list page holds beyond those polled: room for others' statements listed among them. */
const PAGE_MARGIN = 10;
/** Durations of finished statements kept per kind of statement, to time the first poll of the next. */
const SAMPLES_KEPT = 25;
/** Finished statements of a kind needed before their median times the first poll of the next. */
const MIN_SAMPLES = 3;

export interface PollSchedulerOptions {
  readonly poll: Required<PollOptions>;
  /** One DescribeStatement, retried and counted by the caller. */
  readonly describe: (id: string) => Promise<DescribeStatementResponse>;
  /**
   * One ListStatements page of at most `pageSize` statements whose StatementName starts with `prefix`
   * (any status), retried and counted by the caller.
   */
  readonly list: (
    prefix: string,
    pageSize: number,
    nextToken: string | undefined,
  ) => Promise<ListStatementsResponse>;
  /** Waits `ms`, or less once `signal` is aborted (it resolves, never rejects). */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now: () => number;
  /** Each statement covered by a poll, with the status the poll saw and when the poll was sent. */
  readonly onPolled: (id: string, status: StatementStatus, sentAt: number) => void;
  /** What a statement still running after `poll.timeoutMs` is rejected with. */
  readonly timedOut: (id: string, status: StatementStatus) => Error;
  /** What a statement whose wait was aborted is rejected with. */
  readonly interrupted: (id: string) => Error;
}

export interface PollScheduler {
  /**
   * Resolves with the DescribeStatement of the statement once it has ended (FINISHED, FAILED or
   * ABORTED). `submittedAt` is the client's clock when it was sent.
   */
  wait(
    id: string,
    statement: { readonly name?: string | undefined; readonly submittedAt: number },
    signal?: AbortSignal,
  ): Promise<DescribeStatementResponse>;
}

interface Tracked {
  readonly id: string;
  readonly name: string | undefined;
  readonly kind: string;
  readonly startedAt: number;
  /** When it is next due to be polled. */
  nextAt: number;
  /** The gap after its next own poll. */
  gap: number;
  /** Times it was polled, the last two kept. */
  polls: number[];
  resolve(description: DescribeStatementResponse): void;
  reject(error: unknown): void;
  detach(): void;
}

/** The part of a StatementName that names its kind: up to and including its last `:` (`redshift-views:prod:create:`). */
export function statementKind(name: string | undefined): string {
  return name === undefined ? "" : name.slice(0, name.lastIndexOf(":") + 1);
}

/**
 * The StatementName filter of ListStatements is a prefix: "You can list multiple statements by
 * providing a prefix that matches the beginning of the statement name … Data API does a case-sensitive
 * match of SQL statement names to the prefix value you provide"
 * (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ListStatements.html), so the
 * longest common prefix of the names polled lists them all and as few others as names allow.
 */
export function longestCommonPrefix(names: readonly string[]): string {
  const [first, ...rest] = names;
  if (first === undefined) return "";
  let length = first.length;
  for (const name of rest) {
    let same = 0;
    while (same < length && same < name.length && name[same] === first[same]) same++;
    length = same;
  }
  return first.slice(0, length);
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function toStatus(value: string | undefined): StatementStatus {
  switch (value) {
    case "PICKED":
    case "STARTED":
    case "FINISHED":
    case "ABORTED":
    case "FAILED":
      return value;
    default:
      return "SUBMITTED";
  }
}

/**
 * Waits for the statements of one warehouse client together. One timer serves every statement in
 * flight; when it fires, the statements then due are polled:
 *
 * - one due: one DescribeStatement (one call, and it carries the end's detail, so nothing is cheaper);
 * - two or more with a StatementName: one ListStatements by their common name prefix, whose summaries
 *   give each one's status; those that ended are then described once for their detail (error,
 *   duration, result set), and those not listed (no name, or beyond the pages read) are described.
 *
 * Rate: a statement is polled at most twice in any window of 2 × `maxDelayMs` (by default, twice a
 * second). A ListStatements counts as a poll of every statement whose status it is used for; one not
 * due is covered only when that does not push back its own next poll. The DescribeStatement that
 * fetches a listed statement's end is not a poll (it asks for the result, as GetStatementResult does).
 *
 * First poll: once at least three statements of the same kind (StatementName up to its last `:`)
 * have finished in this client, at the median of their durations (the warehouse's CreatedAt to
 * UpdatedAt) counted from when the submission was answered. Before that, if statements of other kinds
 * have finished, at the median of theirs, but no later than the untuned schedule's second poll
 * (`initialDelayMs × factor`, at most `maxDelayMs`): a run's lock, catalog reads, schemas and history
 * are one statement or two of their kind, and on one warehouse they take alike. A timed first poll is
 * followed `initialDelayMs` later by a second for those a little slower. With nothing finished yet,
 * at `initialDelayMs` after submission. Then every `maxDelayMs` (the ramp grows by `factor`).
 *
 * If ListStatements fails (an IAM policy may allow DescribeStatement only), the client stops listing
 * and describes each statement.
 */
export function createPollScheduler(options: PollSchedulerOptions): PollScheduler {
  const { poll } = options;
  const windowMs = 2 * poll.maxDelayMs;
  const tracked = new Map<string, Tracked>();
  const samples = new Map<string, number[]>();
  /** The latest durations of every kind. */
  let anyKind: number[] = [];
  let listing = true;
  let ticking = false;
  let wake: { at: number; controller: AbortController } | undefined;
  // A sleep resolves no earlier than asked: after one, time is at least its target, even with a clock
  // that does not move (tests).
  let reached = Number.NEGATIVE_INFINITY;
  const time = () => Math.max(options.now(), reached);

  /** The earliest time a statement may be polled again without a third poll in one window. */
  const allowedAt = (entry: Tracked) => {
    const before = entry.polls.length >= 2 ? entry.polls[entry.polls.length - 2] : undefined;
    return before === undefined ? Number.NEGATIVE_INFINITY : before + windowMs;
  };

  // The untuned schedule's second poll: a first poll timed from other kinds' durations comes no later.
  const secondPollAt = Math.min(poll.maxDelayMs, poll.initialDelayMs * poll.factor);
  const firstDelay = (kind: string) => {
    const kept = samples.get(kind) ?? [];
    if (kept.length >= MIN_SAMPLES) return median(kept);
    const all = median(anyKind);
    return all === undefined ? undefined : Math.min(all, secondPollAt);
  };

  const learn = (kind: string, description: DescribeStatementResponse) => {
    const { CreatedAt: created, UpdatedAt: updated } = description;
    if (description.Status !== "FINISHED" || created === undefined || updated === undefined) return;
    const duration = updated.getTime() - created.getTime();
    if (!Number.isFinite(duration) || duration < 0) return;
    const kept = [...(samples.get(kind) ?? []), duration];
    samples.set(kind, kept.slice(-SAMPLES_KEPT));
    anyKind = [...anyKind, duration].slice(-SAMPLES_KEPT);
  };

  const arm = () => {
    if (ticking || tracked.size === 0) return;
    const dueAt = (entry: Tracked) => Math.max(entry.nextAt, allowedAt(entry));
    let earliest = Number.POSITIVE_INFINITY;
    for (const entry of tracked.values()) earliest = Math.min(earliest, dueAt(entry));
    let at = earliest;
    for (const entry of tracked.values()) {
      const due = dueAt(entry);
      if (due <= earliest + COALESCE_MS) at = Math.max(at, due);
    }
    if (wake !== undefined && wake.at <= at) return;
    wake?.controller.abort();
    const controller = new AbortController();
    wake = { at, controller };
    void options.sleep(Math.max(0, at - time()), controller.signal).then(() => {
      if (controller.signal.aborted) return;
      wake = undefined;
      reached = Math.max(reached, at);
      void tick();
    });
  };

  const settle = (
    entry: Tracked,
    outcome: { description: DescribeStatementResponse } | { error: unknown },
  ) => {
    if (tracked.get(entry.id) !== entry) return;
    tracked.delete(entry.id);
    entry.detach();
    if ("description" in outcome) {
      learn(entry.kind, outcome.description);
      entry.resolve(outcome.description);
    } else entry.reject(outcome.error);
  };

  /** After a poll of `entry` at `at` that saw it still running. */
  const reschedule = (entry: Tracked, at: number, status: StatementStatus, own: boolean) => {
    if (at - entry.startedAt > poll.timeoutMs) {
      settle(entry, { error: options.timedOut(entry.id, status) });
      return;
    }
    if (own) {
      entry.nextAt = at + entry.gap;
      entry.gap = Math.min(poll.maxDelayMs, entry.gap * poll.factor);
    }
    entry.nextAt = Math.max(entry.nextAt, allowedAt(entry));
  };

  const polled = (entry: Tracked, at: number, status: StatementStatus) => {
    entry.polls = [...entry.polls.slice(-1), at];
    options.onPolled(entry.id, status, at);
  };

  /**
   * DescribeStatement of one statement: as its poll (`listed` false), or for the detail of an end a
   * list just saw (`listed` true: the list was the poll). `own`: it was due.
   */
  const describeOne = async (entry: Tracked, at: number, own: boolean, listed = false) => {
    let description: DescribeStatementResponse;
    try {
      description = await options.describe(entry.id);
    } catch (error) {
      settle(entry, { error });
      return;
    }
    if (tracked.get(entry.id) !== entry) return;
    const status = toStatus(description.Status);
    if (!listed) polled(entry, at, status);
    if (TERMINAL.has(status)) settle(entry, { description });
    else reschedule(entry, at, status, own);
  };

  /** Statuses of `wanted` from ListStatements; undefined if listing failed. */
  const listStatuses = async (
    prefix: string,
    wanted: ReadonlySet<string>,
  ): Promise<Map<string, StatementStatus> | undefined> => {
    const found = new Map<string, StatementStatus>();
    // A summary carries the statement's SQL, so a page of 100 batches can weigh megabytes: ask for a
    // little more than the statements wanted (newest first, they lead the list) rather than a full page.
    const pageSize = Math.min(LIST_PAGE_SIZE, wanted.size + PAGE_MARGIN);
    let token: string | undefined;
    let pages = 0;
    try {
      do {
        const page = await options.list(prefix, pageSize, token);
        pages++;
        for (const statement of page.Statements ?? []) {
          if (statement.Id !== undefined && wanted.has(statement.Id))
            found.set(statement.Id, toStatus(statement.Status));
        }
        token = page.NextToken === "" ? undefined : page.NextToken;
      } while (token !== undefined && found.size < wanted.size && pages < MAX_LIST_PAGES);
    } catch {
      listing = false;
      return undefined;
    }
    return found;
  };

  const tick = async () => {
    ticking = true;
    try {
      const at = time();
      const entries = [...tracked.values()];
      const due = entries.filter((entry) => entry.nextAt <= at && at >= allowedAt(entry));
      const named = due.filter((entry) => entry.name !== undefined);
      const prefix = longestCommonPrefix(named.map((entry) => entry.name ?? ""));
      if (!listing || named.length < 2 || prefix === "") {
        await Promise.all(due.map((entry) => describeOne(entry, at, true)));
        return;
      }
      // Covered without being due only when that does not push back its own next poll.
      const extra = entries.filter(
        (entry) =>
          !due.includes(entry) &&
          entry.name?.startsWith(prefix) === true &&
          at >= allowedAt(entry) &&
          (entry.polls.length === 0 || entry.nextAt >= (entry.polls[entry.polls.length - 1] ?? 0) + windowMs),
      );
      const covered = [...named, ...extra];
      const statuses = await listStatuses(prefix, new Set(covered.map((entry) => entry.id)));
      const ended: { entry: Tracked; own: boolean }[] = [];
      const unlisted = due.filter((entry) => statuses?.has(entry.id) !== true);
      for (const entry of covered) {
        const status = statuses?.get(entry.id);
        if (status === undefined || tracked.get(entry.id) !== entry) continue;
        polled(entry, at, status);
        if (TERMINAL.has(status)) ended.push({ entry, own: due.includes(entry) });
        else reschedule(entry, at, status, due.includes(entry));
      }
      await Promise.all([
        ...unlisted.map((entry) => describeOne(entry, at, true)),
        ...ended.map(({ entry, own }) => describeOne(entry, at, own, true)),
      ]);
    } finally {
      ticking = false;
      arm();
    }
  };

  return {
    wait(id, statement, signal) {
      return new Promise<DescribeStatementResponse>((resolve, reject) => {
        const kind = statementKind(statement.name);
        const tuned = firstDelay(kind);
        const onAbort = () => {
          const entry = tracked.get(id);
          if (entry !== undefined) settle(entry, { error: options.interrupted(id) });
        };
        const entry: Tracked = {
          id,
          name: statement.name,
          kind,
          startedAt: statement.submittedAt,
          // The tuned first poll counts from now, when the warehouse has answered the submission (so
          // its CreatedAt, from which the durations were measured, is already past).
          nextAt: tuned === undefined ? statement.submittedAt + poll.initialDelayMs : time() + tuned,
          gap:
            tuned === undefined
              ? Math.min(poll.maxDelayMs, poll.initialDelayMs * poll.factor)
              : poll.initialDelayMs,
          polls: [],
          resolve,
          reject,
          detach: () => signal?.removeEventListener("abort", onAbort),
        };
        if (signal?.aborted === true) {
          reject(options.interrupted(id));
          return;
        }
        tracked.set(id, entry);
        signal?.addEventListener("abort", onAbort, { once: true });
        arm();
      });
    },
  };
}
