import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  type DescribeStatementResponse,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListStatementsCommand,
  type RedshiftDataClient,
  type StatementData,
} from "@aws-sdk/client-redshift-data";
import { RedshiftViewsError } from "../errors.js";
import { createLimiter } from "./limiter.js";
import { DEFAULT_CONCURRENCY, MAX_BATCH_STATEMENTS, MAX_STATEMENT_BYTES } from "./limits.js";
import { createPollScheduler, LIST_PAGE_SIZE } from "./poll-scheduler.js";
import { toRows } from "./result-values.js";
import { DEFAULT_RETRY, withRetry } from "./retry.js";
import type {
  ConnectionFields,
  DataApiOperation,
  ListStatementsOptions,
  PollOptions,
  ResultRow,
  RetryOptions,
  StatementOptions,
  StatementOutcome,
  StatementStatus,
  StatementSummary,
  Warehouse,
  WarehouseEvent,
} from "./types.js";
import { GENERIC_HINTS, type WarehouseHints, warehouseError } from "./warehouse-errors.js";

const DEFAULT_LIST_LIMIT = 5000;
// First look after 250 ms (or, once statements of the same kind have finished, at their median
// duration), then every 500 ms: a statement's end is noticed within half a second, and no statement
// is polled more than twice a second (benchmark 5 in docs/performance.md; see poll-scheduler.ts).
export const DEFAULT_POLL: Required<PollOptions> = {
  initialDelayMs: 250,
  maxDelayMs: 500,
  factor: 2,
  timeoutMs: 6 * 60 * 60 * 1000,
};

export interface CreateWarehouseOptions {
  readonly client: RedshiftDataClient;
  /** Go into every request: which warehouse and database, and how to authenticate. */
  readonly connection: ConnectionFields;
  /** Names the warehouse in error messages, e.g. `environment "production"`. */
  readonly label?: string;
  /** What error messages tell the user to check; see `WarehouseHints`. */
  readonly hints?: WarehouseHints;
  /** Most statements in flight (submit to completion) at once. Default 20. */
  readonly concurrency?: number;
  readonly poll?: PollOptions;
  readonly retry?: RetryOptions;
  /** Waits `ms`, or less once `signal` is aborted (it must resolve, not reject, then). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1); used for backoff jitter. */
  readonly random?: () => number;
  readonly now?: () => number;
  /** Idempotency token per submission, reused across its retries. */
  readonly clientToken?: () => string;
  /** Once aborted, nothing new is submitted and waiting stops (E_INTERRUPTED). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: WarehouseEvent) => void;
}

const TERMINAL: ReadonlySet<string> = new Set(["FINISHED", "FAILED", "ABORTED"]);
const STATUSES: readonly StatementStatus[] = [
  "SUBMITTED",
  "PICKED",
  "STARTED",
  "FINISHED",
  "ABORTED",
  "FAILED",
];

function toStatus(value: string | undefined): StatementStatus {
  return STATUSES.find((status) => status === value) ?? "SUBMITTED";
}

function nanosToMs(nanos: number | undefined): number | undefined {
  return nanos === undefined || nanos < 0 ? undefined : nanos / 1_000_000;
}

function shorten(sql: string, max = 500): string {
  return sql.length <= max ? sql : `${sql.slice(0, max)}…`;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal === undefined ? undefined : { signal }).catch(() => undefined);

export function createWarehouse(options: CreateWarehouseOptions): Warehouse {
  const { client, connection } = options;
  const label = options.label ?? `database "${connection.Database}"`;
  const hints = options.hints ?? GENERIC_HINTS;
  const poll = { ...DEFAULT_POLL, ...options.poll };
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const newToken = options.clientToken ?? randomUUID;
  const report = options.onProgress ?? (() => {});
  const limit = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
  const calls: Partial<Record<DataApiOperation, number>> = {};

  function interrupted(what: string): RedshiftViewsError {
    return new RedshiftViewsError("E_INTERRUPTED", `Interrupted ${what}.`, {
      hint: "The run was stopped. Statements already submitted may still complete; run `status` to see them, then re-run (provisioning converges).",
    });
  }

  /** One Data API call, counted, retried on throttling and transient failures, mapped to our errors. */
  async function call<T>(operation: DataApiOperation, send: () => Promise<T>): Promise<T> {
    const result = await withRetry(
      () => {
        calls[operation] = (calls[operation] ?? 0) + 1;
        return send();
      },
      {
        options: retry,
        sleep,
        random,
        onRetry: (attempt, delayMs, failure) =>
          report({ kind: "retrying", operation, attempt, delayMs, reason: failure.name }),
      },
    );
    if (result.ok) return result.value;
    throw warehouseError(result.failure, {
      operation,
      label,
      hints,
      attempts: result.attempts,
      cause: result.cause,
    });
  }

  const scheduler = createPollScheduler({
    poll,
    describe: (id) => call("DescribeStatement", () => client.send(new DescribeStatementCommand({ Id: id }))),
    list: (prefix, pageSize, token) =>
      call("ListStatements", () =>
        client.send(
          new ListStatementsCommand({
            ...listScope(),
            StatementName: prefix,
            Status: "ALL",
            MaxResults: pageSize,
            ...(token === undefined ? {} : { NextToken: token }),
          }),
        ),
      ),
    sleep,
    now,
    onPolled: (id, status, sentAt) => report({ kind: "polled", id, status, sentAt }),
    timedOut: (id, status) =>
      new RedshiftViewsError(
        "E_STATEMENT_TIMEOUT",
        `Statement ${id} was still ${status} after ${Math.round(poll.timeoutMs / 1000)} s.`,
        {
          hint: `It keeps running on the warehouse; check it with \`aws redshift-data describe-statement --id ${id}\` or cancel it with \`aws redshift-data cancel-statement --id ${id}\`.`,
        },
      ),
    interrupted: (id) => interrupted(`while waiting for statement ${id}`),
  });

  /**
   * Which statements ListStatements looks at: this database on this cluster or workgroup. Only the
   * caller's IAM role's statements are listed ("RoleLevel … If true, all statements run by the caller's
   * IAM role are returned … The default is true",
   * https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ListStatements.html), so another
   * person's statements are not: see acquireProvisionLock.
   */
  function listScope() {
    return {
      Database: connection.Database,
      ...(connection.ClusterIdentifier === undefined
        ? {}
        : { ClusterIdentifier: connection.ClusterIdentifier }),
      ...(connection.WorkgroupName === undefined ? {} : { WorkgroupName: connection.WorkgroupName }),
    };
  }

  function waitFor(
    id: string,
    name: string | undefined,
    submittedAt: Date,
    signal: AbortSignal | undefined,
  ): Promise<DescribeStatementResponse> {
    const signals = [signal, options.signal].filter((one): one is AbortSignal => one !== undefined);
    return scheduler.wait(
      id,
      { name, submittedAt: submittedAt.getTime() },
      signals.length <= 1 ? signals[0] : AbortSignal.any(signals),
    );
  }

  function outcomeOf(
    id: string,
    description: DescribeStatementResponse,
    sqls: readonly string[],
    name: string | undefined,
    submittedAt: Date,
  ): StatementOutcome {
    const named = {
      ...(name === undefined ? {} : { name }),
      submittedAt: description.CreatedAt ?? submittedAt,
    };
    const durationMs = nanosToMs(description.Duration);
    switch (toStatus(description.Status)) {
      case "FINISHED":
        return {
          kind: "finished",
          id,
          ...named,
          durationMs: durationMs ?? 0,
          hasResultSet: description.HasResultSet !== false,
          resultRows: description.ResultRows ?? -1,
        } satisfies StatementOutcome;
      case "ABORTED":
        return { kind: "aborted", id, ...named } satisfies StatementOutcome;
      default: {
        // FAILED (waitFor returns only terminal states).
        // A batch stops at its first failing sub-statement; later ones are ABORTED, earlier ones rolled back.
        const subs = description.SubStatements ?? [];
        const failedAt = subs.findIndex((sub) => sub.Status === "FAILED");
        const sub = subs[failedAt];
        const indexFromId = sub?.Id === undefined ? undefined : Number(sub.Id.split(":").pop()) - 1;
        const index = indexFromId !== undefined && Number.isInteger(indexFromId) ? indexFromId : failedAt;
        const failedSql =
          sub?.QueryString ?? (sqls.length === 1 ? sqls[0] : sub === undefined ? undefined : sqls[index]);
        return {
          kind: "failed",
          id,
          ...named,
          error: sub?.Error ?? description.Error ?? "The statement failed without a message.",
          ...(failedSql === undefined ? {} : { failedSql }),
          ...(sub === undefined || sqls.length === 1 ? {} : { subStatementIndex: index }),
          ...(durationMs === undefined ? {} : { durationMs }),
        } satisfies StatementOutcome;
      }
    }
  }

  function checkSize(sqls: readonly string[], name: string | undefined): void {
    const where = name === undefined ? "" : ` (${name})`;
    if (sqls.length === 0) throw new RangeError(`executeBatch${where} needs at least one statement`);
    if (sqls.length > MAX_BATCH_STATEMENTS)
      throw new RedshiftViewsError(
        "E_BATCH_TOO_LARGE",
        `A batch of ${sqls.length} statements${where} exceeds the Data API limit of ${MAX_BATCH_STATEMENTS}.`,
        { hint: "Split the statements into batches of at most 40." },
      );
    for (const sql of sqls) {
      const bytes = Buffer.byteLength(sql, "utf8");
      if (bytes > MAX_STATEMENT_BYTES)
        throw new RedshiftViewsError(
          "E_STATEMENT_TOO_LARGE",
          `A statement${where} is ${bytes} bytes; the Data API accepts at most ${MAX_STATEMENT_BYTES}: ${shorten(sql, 120)}`,
          { hint: "Reduce the statement (for a view: fewer or shorter column names)." },
        );
    }
  }

  /** Sends one statement or batch; returns its id once the Data API has accepted it. */
  async function send(
    sqls: readonly string[],
    statement: StatementOptions | undefined,
    batch: boolean,
  ): Promise<{ id: string; submittedAt: Date }> {
    const name = statement?.name;
    if (options.signal?.aborted === true || statement?.signal?.aborted === true)
      throw interrupted(`before submitting${name === undefined ? "" : ` ${name}`}`);
    const common = {
      ...connection,
      ClientToken: newToken(),
      ...(name === undefined ? {} : { StatementName: name }),
    };
    const submittedAt = new Date(now());
    const submitted = batch
      ? await call("BatchExecuteStatement", () =>
          client.send(new BatchExecuteStatementCommand({ ...common, Sqls: [...sqls] })),
        )
      : await call("ExecuteStatement", () =>
          client.send(new ExecuteStatementCommand({ ...common, Sql: sqls[0] })),
        );
    const id = submitted.Id;
    if (id === undefined)
      throw new RedshiftViewsError("E_WAREHOUSE", "The Data API accepted a statement but returned no id.", {
        hint: "This is unexpected; re-run, and report it if it persists.",
      });
    statement?.onSubmitted?.(id);
    report({
      kind: "submitted",
      id,
      ...(name === undefined ? {} : { name }),
      statements: sqls.length,
      sqls,
    });
    return { id, submittedAt };
  }

  async function run(
    sqls: readonly string[],
    statement: StatementOptions | undefined,
    batch: boolean,
  ): Promise<StatementOutcome> {
    checkSize(sqls, statement?.name);
    return limit(async () => {
      const { id, submittedAt } = await send(sqls, statement, batch);
      const description = await waitFor(id, statement?.name, submittedAt, statement?.signal);
      const outcome = outcomeOf(id, description, sqls, statement?.name, submittedAt);
      report({ kind: "completed", outcome });
      return outcome;
    });
  }

  async function fetchRows(id: string): Promise<ResultRow[]> {
    const rows: ResultRow[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await call("GetStatementResult", () =>
        client.send(
          new GetStatementResultCommand({ Id: id, ...(token === undefined ? {} : { NextToken: token }) }),
        ),
      );
      rows.push(...toRows(page.ColumnMetadata ?? [], page.Records ?? []));
      nextToken = page.NextToken === "" ? undefined : page.NextToken;
    } while (nextToken !== undefined);
    return rows;
  }

  function summary(statement: StatementData): StatementSummary {
    return {
      id: statement.Id ?? "",
      ...(statement.StatementName === undefined || statement.StatementName === ""
        ? {}
        : { name: statement.StatementName }),
      status: toStatus(statement.Status),
      ...(statement.CreatedAt === undefined ? {} : { createdAt: statement.CreatedAt }),
      ...(statement.UpdatedAt === undefined ? {} : { updatedAt: statement.UpdatedAt }),
      isBatch: statement.IsBatchStatement === true,
      sqls: statement.QueryStrings ?? (statement.QueryString === undefined ? [] : [statement.QueryString]),
    };
  }

  return {
    stats: { calls },

    execute: (sql, statement?: StatementOptions) => run([sql], statement, false),

    executeBatch: (sqls, statement?: StatementOptions) => run(sqls, statement, true),

    submit(sqls, statement?: StatementOptions) {
      checkSize(sqls, statement?.name);
      return limit(() => send(sqls, statement, sqls.length > 1));
    },

    async describe(id) {
      const description = await call("DescribeStatement", () =>
        client.send(new DescribeStatementCommand({ Id: id })),
      );
      const status = toStatus(description.Status);
      if (!TERMINAL.has(status)) return { kind: "running", id, status };
      const submittedAt = description.CreatedAt ?? new Date(now());
      return outcomeOf(id, description, [], undefined, submittedAt);
    },

    async query(sql, statement?: StatementOptions) {
      const outcome = await run([sql], statement, false);
      switch (outcome.kind) {
        case "finished":
          return outcome.hasResultSet ? fetchRows(outcome.id) : [];
        case "failed":
          throw new RedshiftViewsError(
            "E_STATEMENT_FAILED",
            `Query failed: ${outcome.error}\nSQL: ${shorten(sql)}`,
            {
              hint: `Check the SQL and that the objects it reads exist in database "${connection.Database}" (statement ${outcome.id}).`,
            },
          );
        case "aborted":
          throw new RedshiftViewsError("E_STATEMENT_ABORTED", `Query was cancelled: ${shorten(sql, 200)}`, {
            hint: `Statement ${outcome.id} was cancelled on the warehouse (CancelStatement or a WLM rule); re-run when that is resolved.`,
          });
      }
    },

    async queryBatch(sqls, statement?: StatementOptions) {
      const outcome = await run(sqls, statement, true);
      // A batch's results are read per sub-statement: `<id>:<n>`, 1-based.
      return {
        outcome,
        rows:
          outcome.kind === "finished" && outcome.hasResultSet
            ? await fetchRows(`${outcome.id}:${sqls.length}`)
            : [],
      };
    },

    async listStatements({
      namePrefix,
      status,
      limit: max = DEFAULT_LIST_LIMIT,
      since,
    }: ListStatementsOptions) {
      const found: StatementSummary[] = [];
      // Also bounded by pages, in case a server keeps returning tokens with empty pages.
      const maxPages = Math.ceil(max / 100) + 10;
      let pages = 0;
      let nextToken: string | undefined;
      do {
        pages++;
        const token = nextToken;
        const page = await call("ListStatements", () =>
          client.send(
            new ListStatementsCommand({
              ...listScope(),
              StatementName: namePrefix,
              Status: status ?? "ALL",
              MaxResults: LIST_PAGE_SIZE,
              ...(token === undefined ? {} : { NextToken: token }),
            }),
          ),
        );
        const statements = (page.Statements ?? []).map(summary);
        found.push(...statements);
        nextToken = page.NextToken === "" ? undefined : page.NextToken;
        const oldest = statements[statements.length - 1]?.createdAt;
        if (since !== undefined && oldest !== undefined && oldest.getTime() < since.getTime()) break;
      } while (nextToken !== undefined && found.length < max && pages < maxPages);
      const time = (date: Date | undefined) => date?.getTime() ?? 0;
      return found
        .filter((statement) => statement.name?.startsWith(namePrefix) === true)
        .sort((a, b) => time(b.createdAt) - time(a.createdAt))
        .slice(0, max);
    },
  };
}
