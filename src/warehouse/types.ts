/** The connection part of every ExecuteStatement / BatchExecuteStatement request. */
export interface ConnectionFields {
  readonly Database: string;
  readonly ClusterIdentifier?: string;
  readonly DbUser?: string;
  readonly SecretArn?: string;
  readonly WorkgroupName?: string;
}

/** Statement states reported by the Data API. */
export type StatementStatus = "SUBMITTED" | "PICKED" | "STARTED" | "FINISHED" | "ABORTED" | "FAILED";

/** The Data API operations the client makes; `stats.calls` is keyed by these. */
export type DataApiOperation =
  | "ExecuteStatement"
  | "BatchExecuteStatement"
  | "DescribeStatement"
  | "GetStatementResult"
  | "ListStatements";

/** A value of one result column. Numerics/decimals arrive as strings to keep their precision; bytes as hex. */
export type ResultValue = string | number | boolean | null;
export type ResultRow = Record<string, ResultValue>;

/**
 * How a submitted statement ended. A statement failing is a result, not an exception, so that a
 * caller can isolate per-view failures; infrastructure problems throw `RedshiftViewsError`.
 */
export type StatementOutcome =
  | {
      readonly kind: "finished";
      readonly id: string;
      readonly name?: string;
      /** When the warehouse accepted it (DescribeStatement's CreatedAt; the client's clock if absent). */
      readonly submittedAt: Date;
      /** Server-side duration (the Data API reports nanoseconds). */
      readonly durationMs: number;
      readonly hasResultSet: boolean;
      /** Rows returned or affected; -1 when the server does not say (DDL). */
      readonly resultRows: number;
    }
  | {
      readonly kind: "failed";
      readonly id: string;
      readonly name?: string;
      readonly submittedAt: Date;
      /** The server's message, e.g. `ERROR: relation "x" does not exist`. */
      readonly error: string;
      /** The statement that failed: for a batch, the failing sub-statement. */
      readonly failedSql?: string;
      /** For a batch: 0-based index into the submitted statements of the one that failed. */
      readonly subStatementIndex?: number;
      readonly durationMs?: number;
    }
  | { readonly kind: "aborted"; readonly id: string; readonly name?: string; readonly submittedAt: Date };

/** One statement found by `listStatements`. */
export interface StatementSummary {
  readonly id: string;
  readonly name?: string;
  readonly status: StatementStatus;
  readonly createdAt?: Date;
  readonly updatedAt?: Date;
  readonly isBatch: boolean;
  /** The SQL (for a batch, its statements in order). */
  readonly sqls: readonly string[];
}

export interface PollOptions {
  /** Wait before the first DescribeStatement. Default 250 ms. */
  readonly initialDelayMs?: number;
  /** Longest wait between polls. Default 500 ms (so at most 2 polls a second per statement). */
  readonly maxDelayMs?: number;
  /** Growth of the wait between polls. Default 2. */
  readonly factor?: number;
  /** Give up waiting (the statement keeps running) after this long. Default 6 hours. */
  readonly timeoutMs?: number;
}

export interface RetryOptions {
  /** Attempts per Data API call, including the first. Default 8. */
  readonly maxAttempts?: number;
  /** Backoff before the second attempt; doubles each time, with jitter. Default 200 ms. */
  readonly baseDelayMs?: number;
  /** Cap of one backoff. Default 10 s. */
  readonly maxDelayMs?: number;
}

/** What the client reports while it works, for progress output. */
export type WarehouseEvent =
  | {
      readonly kind: "submitted";
      readonly id: string;
      readonly name?: string;
      readonly statements: number;
      /** The SQL submitted, for `--verbose`. */
      readonly sqls: readonly string[];
    }
  | {
      readonly kind: "polled";
      readonly id: string;
      readonly status: StatementStatus;
      /** The client's clock (`now`) when the poll was sent; the event comes when its answer is in. */
      readonly sentAt: number;
    }
  | { readonly kind: "completed"; readonly outcome: StatementOutcome }
  | {
      readonly kind: "retrying";
      readonly operation: DataApiOperation;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    };

export interface StatementOptions {
  /** StatementName, see `statementName()`; finds the statement in `ListStatements`. */
  readonly name?: string;
  /** Called with the statement id as soon as the Data API accepted it, before waiting for the end. */
  readonly onSubmitted?: (id: string) => void;
  /**
   * Once aborted, this statement is not submitted, or no longer waited for (E_INTERRUPTED; it keeps
   * running on the warehouse), and its concurrency slot is freed.
   */
  readonly signal?: AbortSignal;
}

export interface ListStatementsOptions {
  /** Case-sensitive prefix of StatementName, e.g. `redshift-views:production:`. */
  readonly namePrefix: string;
  readonly status?: StatementStatus | "ALL";
  /** Stop after this many statements. Default 5000. */
  readonly limit?: number;
  /**
   * Stop paging once a page reaches statements created before this (the Data API lists the newest
   * first), so a look at recent statements costs what is recent, not the whole 24-hour history.
   */
  readonly since?: Date;
}

export interface Warehouse {
  /** Runs one statement and returns its rows as plain objects. A failed statement throws E_STATEMENT_FAILED. */
  query(sql: string, options?: StatementOptions): Promise<ResultRow[]>;
  /** Submits one statement (no result set needed) and waits for it. */
  execute(sql: string, options?: StatementOptions): Promise<StatementOutcome>;
  /** Submits statements as ONE BatchExecuteStatement transaction (at most 40) and waits. */
  executeBatch(sqls: readonly string[], options?: StatementOptions): Promise<StatementOutcome>;
  /** As `executeBatch`, and the rows of its last statement when the batch finished. */
  queryBatch(
    sqls: readonly string[],
    options?: StatementOptions,
  ): Promise<{ readonly outcome: StatementOutcome; readonly rows: ResultRow[] }>;
  /**
   * Submits without waiting (one statement, or several as one batch): it keeps running on the
   * warehouse, and `describe` tells later how it ended.
   */
  submit(sqls: readonly string[], options?: StatementOptions): Promise<{ id: string; submittedAt: Date }>;
  /** One DescribeStatement: how a statement ended, or that it is still running. */
  describe(
    id: string,
  ): Promise<
    StatementOutcome | { readonly kind: "running"; readonly id: string; readonly status: StatementStatus }
  >;
  /** ListStatements by StatementName prefix, paginated to the end (bounded by `limit`), newest first. */
  listStatements(options: ListStatementsOptions): Promise<StatementSummary[]>;
  /** Data API calls made so far, per operation (retries included). */
  readonly stats: { readonly calls: Readonly<Partial<Record<DataApiOperation, number>>> };
}
