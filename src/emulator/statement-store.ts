import { randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import type { ResultFormat, StoredResult } from "./result-format.js";

export type StatementStatus = "SUBMITTED" | "PICKED" | "STARTED" | "FINISHED" | "FAILED" | "ABORTED";

const ACTIVE: ReadonlySet<StatementStatus> = new Set(["SUBMITTED", "PICKED", "STARTED"]);
export const isActive = (status: StatementStatus): boolean => ACTIVE.has(status);

/** Results (and the statements themselves) are kept for 24 hours, as by the Data API. */
const RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * "The maximum retention time for a client token used in ExecuteStatement or BatchExecuteStatement API
 * operation is 8 hours" (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html).
 */
const CLIENT_TOKEN_RETENTION_MS = 8 * 60 * 60 * 1000;

/** One SQL statement: the whole of an `ExecuteStatement`, or one `<id>:N` part of a batch. */
export interface StatementPart {
  readonly id: string;
  readonly queryString: string;
  status: StatementStatus;
  readonly createdAt: number;
  updatedAt: number;
  /** Nanoseconds; -1 until the statement ends. */
  durationNs: number;
  error?: string;
  hasResultSet: boolean;
  /** Rows returned or affected; -1 until the statement ends. */
  resultRows: number;
  resultSize: number;
  readonly redshiftQueryId: number;
  result?: StoredResult;
}

/**
 * Who submitted a statement, as far as the emulator can tell: the access key id of the request's
 * SigV4 signature and, for temporary credentials, a digest of their session token (never the token
 * itself: the history is written to disk).
 */
export interface Caller {
  readonly accessKeyId?: string;
  readonly session?: string;
}

export interface SqlParameter {
  readonly name: string;
  readonly value: string;
}

export interface StatementRecord extends StatementPart {
  /** Insertion order; newest first in listings, and the pagination key. */
  readonly seq: number;
  readonly isBatch: boolean;
  readonly statementName?: string;
  readonly parameters?: readonly SqlParameter[];
  readonly database: string;
  readonly clusterIdentifier?: string;
  readonly workgroupName?: string;
  readonly secretArn?: string;
  readonly dbUser?: string;
  /** The Redshift database user the statement runs as (see request-identity.ts). */
  readonly user: string;
  /** The name shown when the login fails, e.g. `IAM:<DbUser>`. */
  readonly loginName: string;
  /** Who submitted it; absent in a history written before callers were recorded. */
  readonly caller?: Caller;
  /** An IAM identity's user, created on first use. */
  readonly autoCreateUser: boolean;
  readonly redshiftPid: number;
  /** `TRANSACTION` (default) or `AUTO_COMMIT` for batches. */
  readonly executionMode: "TRANSACTION" | "AUTO_COMMIT";
  /** `CSV` when the request asked for it; absent: JSON (also for statements kept before CSV existed). */
  readonly resultFormat?: ResultFormat;
  /** The Data API session the statement runs in (`SessionId`). */
  readonly sessionId?: string;
  /** The request's `ClientToken`: a request repeated with it gets this statement back. */
  readonly clientToken?: string;
  /** The `<id>:N` parts of a batch; empty for a single statement (the record is its own part). */
  readonly parts: StatementPart[];
  cancelRequested?: boolean;
}

export interface NewStatement {
  readonly sqls: readonly string[];
  readonly isBatch: boolean;
  readonly statementName?: string | undefined;
  readonly parameters?: readonly SqlParameter[] | undefined;
  readonly database: string;
  readonly clusterIdentifier?: string | undefined;
  readonly workgroupName?: string | undefined;
  readonly secretArn?: string | undefined;
  readonly dbUser?: string | undefined;
  readonly user: string;
  readonly loginName: string;
  readonly autoCreateUser: boolean;
  readonly executionMode: "TRANSACTION" | "AUTO_COMMIT";
  readonly resultFormat?: ResultFormat | undefined;
  readonly sessionId?: string | undefined;
  readonly clientToken?: string | undefined;
  readonly caller: Caller;
}

export interface ListFilter {
  readonly statementNamePrefix?: string | undefined;
  readonly status?: StatementStatus | undefined;
  readonly beforeSeq?: number | undefined;
  readonly database?: string | undefined;
  readonly clusterIdentifier?: string | undefined;
  readonly workgroupName?: string | undefined;
  /**
   * Only statements of this caller: the same access key, and with `sameSession` also the same
   * session token (see `dataApiOperations`, ListStatements).
   */
  readonly caller: Caller;
  readonly sameSession: boolean;
  readonly limit: number;
}

interface PersistedHistory {
  readonly version: 1;
  readonly nextSeq: number;
  readonly nextQueryId: number;
  readonly statements: StatementRecord[];
}

/**
 * Statement history: in memory, and when a file is given, also in a JSON file rewritten atomically
 * after changes, so `ListStatements`/`DescribeStatement` work across processes sharing a data folder.
 */
export class StatementStore {
  private readonly records = new Map<string, StatementRecord>();
  private nextSeq = 1;
  private nextQueryId = 1000;
  private saving: Promise<void> | undefined;
  private dirty = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly file: string | undefined,
    private readonly now: () => number,
  ) {}

  async load(): Promise<void> {
    if (this.file === undefined) return;
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch {
      return;
    }
    const history = JSON.parse(text) as PersistedHistory;
    this.nextSeq = history.nextSeq;
    this.nextQueryId = history.nextQueryId;
    for (const record of history.statements) {
      // A statement still active when its process ended never completed.
      if (isActive(record.status))
        abortAll(record, "ERROR: the emulator stopped before the statement completed", this.now());
      this.records.set(record.id, record);
    }
    this.prune();
  }

  create(input: NewStatement): StatementRecord {
    const id = randomUUID();
    const now = this.now();
    const part = (partId: string, queryString: string): StatementPart => ({
      id: partId,
      queryString,
      status: "SUBMITTED",
      createdAt: now,
      updatedAt: now,
      durationNs: -1,
      hasResultSet: false,
      resultRows: -1,
      resultSize: -1,
      redshiftQueryId: this.nextQueryId++,
    });
    const parts = input.isBatch ? input.sqls.map((sql, index) => part(`${id}:${index + 1}`, sql)) : [];
    const record: StatementRecord = {
      ...part(id, input.isBatch ? "" : (input.sqls[0] ?? "")),
      seq: this.nextSeq++,
      isBatch: input.isBatch,
      database: input.database,
      user: input.user,
      loginName: input.loginName,
      autoCreateUser: input.autoCreateUser,
      redshiftPid: 1073741824 + (this.nextSeq % 100000),
      executionMode: input.executionMode,
      caller: input.caller,
      parts,
      ...optional("statementName", input.statementName),
      ...optional("parameters", input.parameters),
      ...optional("clusterIdentifier", input.clusterIdentifier),
      ...optional("workgroupName", input.workgroupName),
      ...optional("secretArn", input.secretArn),
      ...optional("dbUser", input.dbUser),
      ...(input.resultFormat === "CSV" ? { resultFormat: input.resultFormat } : {}),
      ...optional("sessionId", input.sessionId),
      ...optional("clientToken", input.clientToken),
    };
    this.records.set(id, record);
    this.changed();
    return record;
  }

  /** A statement or a batch part (`<id>:N`), after dropping expired history. */
  find(id: string): { record: StatementRecord; part: StatementPart } | undefined {
    this.prune();
    const record = this.records.get(id);
    if (record !== undefined) return { record, part: record };
    const match = /^(.*):(\d+)$/.exec(id);
    if (match === null) return undefined;
    const parent = this.records.get(match[1] ?? "");
    const part = parent?.isBatch === true ? parent.parts[Number(match[2]) - 1] : undefined;
    return parent === undefined || part === undefined ? undefined : { record: parent, part };
  }

  /** The statement a request with this `ClientToken` created in the last 8 hours. */
  findByClientToken(token: string): StatementRecord | undefined {
    this.prune();
    const cutoff = this.now() - CLIENT_TOKEN_RETENTION_MS;
    for (const record of this.records.values()) {
      if (record.clientToken === token && record.createdAt >= cutoff) return record;
    }
    return undefined;
  }

  /** Calls `listener` after every change of a statement, until the returned function is called. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(filter: ListFilter): { statements: StatementRecord[]; more: boolean } {
    this.prune();
    const matching = [...this.records.values()]
      .filter((record) => filter.beforeSeq === undefined || record.seq < filter.beforeSeq)
      .filter((record) => sameCaller(record.caller, filter.caller, filter.sameSession))
      .filter((record) => filter.status === undefined || record.status === filter.status)
      .filter((record) => filter.database === undefined || record.database === filter.database)
      .filter(
        (record) =>
          filter.clusterIdentifier === undefined || record.clusterIdentifier === filter.clusterIdentifier,
      )
      .filter((record) => filter.workgroupName === undefined || record.workgroupName === filter.workgroupName)
      .filter(
        (record) =>
          filter.statementNamePrefix === undefined ||
          (record.statementName ?? "").startsWith(filter.statementNamePrefix),
      )
      .sort((a, b) => b.seq - a.seq);
    return { statements: matching.slice(0, filter.limit), more: matching.length > filter.limit };
  }

  activeCount(): number {
    let count = 0;
    for (const record of this.records.values()) if (isActive(record.status)) count++;
    return count;
  }

  /** Call after mutating a record; the file is rewritten soon after (coalesced). */
  changed(): void {
    for (const listener of [...this.listeners]) listener();
    if (this.file === undefined) return;
    this.dirty = true;
    if (this.saving === undefined) this.saving = this.saveLoop();
  }

  async flush(): Promise<void> {
    while (this.saving !== undefined) await this.saving;
  }

  private async saveLoop(): Promise<void> {
    try {
      while (this.dirty && this.file !== undefined) {
        this.dirty = false;
        const history: PersistedHistory = {
          version: 1,
          nextSeq: this.nextSeq,
          nextQueryId: this.nextQueryId,
          statements: [...this.records.values()],
        };
        const temporary = `${this.file}.${process.pid}.tmp`;
        await writeFile(temporary, JSON.stringify(history));
        await rename(temporary, this.file);
      }
    } finally {
      this.saving = undefined;
    }
  }

  private prune(): void {
    const cutoff = this.now() - RETENTION_MS;
    let removed = false;
    for (const [id, record] of this.records) {
      if (record.createdAt < cutoff && !isActive(record.status)) {
        this.records.delete(id);
        removed = true;
      }
    }
    if (removed) this.changed();
  }
}

export function abortAll(record: StatementRecord, error: string, now: number): void {
  for (const part of [record, ...record.parts]) {
    if (!isActive(part.status)) continue;
    part.status = "ABORTED";
    part.error = error;
    part.updatedAt = now;
  }
}

function sameCaller(recorded: Caller | undefined, caller: Caller, sameSession: boolean): boolean {
  if (recorded?.accessKeyId !== caller.accessKeyId) return false;
  return !sameSession || recorded?.session === caller.session;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
