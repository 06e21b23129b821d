import type { PGlite } from "@electric-sql/pglite";
import { INTERNAL_SCHEMA } from "./catalog.js";
import type { Queryable } from "./queryable.js";
import { quoteIdentifier } from "./sql-tokens.js";

/**
 * Keeps the state of Data API sessions apart on PGlite's single connection.
 *
 * In Redshift every Data API request without a `SessionId` runs in a session of its own, which ends
 * with it; with `SessionKeepAliveSeconds` the session outlives the statement, and the statements sent
 * later with its `SessionId` run in it, seeing its temporary tables
 * (https://aws.amazon.com/blogs/big-data/accelerate-your-data-workflows-with-amazon-redshift-data-api-persistent-sessions/:
 * "The ability to create temporary tables that can be referenced across the entire session lifespan").
 * PGlite is one Postgres backend, whose session state would otherwise be shared by every request. So
 * around each statement (see `Engine.execute`), as the emulator:
 *
 * - temporary relations (tables, views, sequences, indexes in the backend's `pg_temp` schema): a session's
 *   carry their own names only while one of its statements runs; between its statements they are
 *   renamed to names of the emulator's (`redshift_emulator_session_<n>`), so that no other statement
 *   resolves them by name. A statement without a session has its temporary relations dropped when it
 *   ends; so are a closed session's, at the next statement.
 * - run-time settings (`SET search_path`, `SET timezone`, …): a session's are kept and reapplied; after
 *   every statement the settings of a fresh session are restored.
 * - prepared statements (`PREPARE`) are deallocated when their statement ends, in a session too.
 *
 * Reading every setting costs more than the statement itself on PGlite, so settings are read after a
 * statement only when its SQL could have changed them (it says SET, RESET or set_config).
 *
 * Limits (see docs/emulator.md): the renamed relations stay in `pg_class`, reachable by their
 * emulator-given names (privileges still apply: only their owner and superusers may read them); a
 * session's prepared statements do not outlive the statement that prepared them (stricter than
 * Redshift: Postgres keeps only the whole text of the request that prepared one, which cannot be
 * replayed safely); a setting changed by a function that calls `set_config` is not seen; cursors held
 * open across transactions (`WITH HOLD`) are not kept apart; SQL the emulator runs outside statements
 * (`query()`, `replicate()`) runs in whatever state the last statement left.
 */
export class SessionIsolation {
  /** Temporary relations renamed while their session is idle: oid → session id. */
  private readonly hidden = new Map<number, string>();
  private readonly kept = new Map<string, KeptSession>();
  /** The run-time settings of a fresh session, read before the first statement. */
  private fresh: ReadonlyMap<string, string> | undefined;
  /** The run-time settings in force: a fresh session's between statements. */
  private current: ReadonlyMap<string, string> | undefined;
  private nextName = 1;
  private readonly temp = new TempRelations();

  /** `isOpen(id)`: whether a session may still run statements (not closed or expired). */
  constructor(private readonly isOpen: (sessionId: string) => boolean) {}

  /**
   * Before a statement: the state of its session (or of a fresh one) in place. One catalog read when
   * there is nothing to change, as for most statements.
   */
  async enter(db: PGlite, statement: IsolatedStatement): Promise<void> {
    if (this.fresh === undefined) {
      this.fresh = await readSettings(db);
      this.current = this.fresh;
    }
    const current = this.current ?? this.fresh;
    const state = await this.temp.snapshot(db);
    const closed = [...this.kept.keys()].filter((id) => !this.isOpen(id));
    // Left by SQL that ran outside any statement (the emulator's own `query()`): not any session's.
    const strays = state.relations.filter((relation) => !this.hidden.has(relation.oid));
    const kept = statement.sessionId === undefined ? undefined : this.kept.get(statement.sessionId);
    const settings = kept?.settings ?? this.fresh;
    const unchanged = closed.length === 0 && strays.length === 0 && (kept?.relations.size ?? 0) === 0;
    if (unchanged && sameSettings(current, settings)) return;
    await db.transaction(async (tx) => {
      for (const id of closed) {
        const oids = [...this.hidden].filter(([, owner]) => owner === id).map(([oid]) => oid);
        await dropRelations(tx, oids);
        for (const oid of oids) this.hidden.delete(oid);
        this.kept.delete(id);
      }
      await dropRelations(
        tx,
        strays.map((relation) => relation.oid),
      );
      for (const [oid, name] of kept?.relations ?? []) {
        await renameRelation(tx, oid, name);
        this.hidden.delete(oid);
      }
      await applySettings(tx, current, settings);
    });
    this.current = settings;
  }

  /** After a statement: its session's state put aside, or a sessionless statement's discarded. */
  async leave(db: PGlite, statement: IsolatedStatement): Promise<void> {
    const fresh = this.fresh ?? new Map<string, string>();
    const state = await this.temp.snapshot(db);
    const settings = mayChangeSettings(statement) ? await readSettings(db) : (this.current ?? fresh);
    const own = state.relations.filter((relation) => !this.hidden.has(relation.oid));
    const { sessionId } = statement;
    const open = sessionId !== undefined && this.isOpen(sessionId);
    if (open) {
      this.kept.set(sessionId, {
        relations: new Map(own.map((relation) => [relation.oid, relation.relname])),
        settings,
      });
    }
    if (own.length === 0 && !state.prepared && sameSettings(settings, fresh)) return;
    await db.transaction(async (tx) => {
      if (state.prepared) await tx.query("DEALLOCATE ALL");
      if (open) {
        for (const relation of own) {
          await renameRelation(tx, relation.oid, `redshift_emulator_session_${this.nextName++}`);
          this.hidden.set(relation.oid, sessionId);
        }
      } else {
        await dropRelations(
          tx,
          own.map((relation) => relation.oid),
        );
      }
      await applySettings(tx, settings, fresh);
    });
    this.current = fresh;
  }
}

/** What the isolation needs of a statement (a `StatementRecord`). */
export interface IsolatedStatement {
  readonly sessionId?: string | undefined;
  readonly queryString: string;
  /** A batch's statements. */
  readonly parts: readonly { readonly queryString: string }[];
}

interface KeptSession {
  /** oid → the relation's own name. */
  readonly relations: Map<number, string>;
  readonly settings: ReadonlyMap<string, string>;
}

interface TempRelation {
  readonly oid: number;
  readonly relname: string;
  readonly relkind: string;
}

/** The statement keyword for each kind of relation a session can create in `pg_temp`. */
const RELATION_KEYWORDS: Readonly<Record<string, string>> = {
  r: "TABLE",
  p: "TABLE",
  f: "FOREIGN TABLE",
  v: "VIEW",
  m: "MATERIALIZED VIEW",
  S: "SEQUENCE",
  i: "INDEX",
};

const TEMP_RELATIONS = `c.relnamespace = pg_my_temp_schema() AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i')`;

interface Snapshot {
  readonly relations: readonly TempRelation[];
  readonly prepared: boolean;
}

/**
 * The temporary relations (views before what they read) and whether SQL prepared statements exist.
 * Reading `pg_class` (and planning the query that reads it) costs more than most statements; so it
 * is read only when the emulator's event triggers have seen a temporary relation created,
 * altered or dropped since the last scan (the `temp_ddl` sequence moved; see catalog.ts), and the
 * last scan's relations are used otherwise.
 */
class TempRelations {
  private mark: string | undefined;
  private relations: readonly TempRelation[] = [];

  async snapshot(q: Queryable): Promise<Snapshot> {
    const found = await q.query<{ mark: string; relations: TempRelation[] | null; prepared: boolean }>(
      `SELECT mark, relations, prepared FROM ${INTERNAL_SCHEMA}.temp_snapshot($1)`,
      [this.mark ?? null],
    );
    const row = found.rows[0];
    if (row !== undefined && row.mark !== this.mark) {
      this.mark = row.mark;
      this.relations = row.relations ?? [];
    }
    return { relations: this.relations, prepared: row?.prepared ?? false };
  }
}

async function relationByOid(tx: Queryable, oid: number): Promise<TempRelation | undefined> {
  const found = await tx.query<TempRelation>(
    `SELECT c.oid::int AS oid, c.relname, c.relkind FROM pg_class c WHERE ${TEMP_RELATIONS} AND c.oid = $1`,
    [oid],
  );
  return found.rows[0];
}

async function renameRelation(tx: Queryable, oid: number, name: string): Promise<void> {
  const relation = await relationByOid(tx, oid);
  if (relation === undefined) return;
  await tx.query(
    `ALTER ${keywordOf(relation)} pg_temp.${quoteIdentifier(relation.relname)} RENAME TO ${quoteIdentifier(name)}`,
  );
}

/** Drops each relation still there (a CASCADE may have taken it with an earlier one). */
async function dropRelations(tx: Queryable, oids: readonly number[]): Promise<void> {
  for (const oid of oids) {
    const relation = await relationByOid(tx, oid);
    if (relation === undefined) continue;
    await tx.query(
      `DROP ${keywordOf(relation)} IF EXISTS pg_temp.${quoteIdentifier(relation.relname)} CASCADE`,
    );
  }
}

function keywordOf(relation: TempRelation): string {
  return RELATION_KEYWORDS[relation.relkind] ?? "TABLE";
}

/** Settings the engine manages itself: the identity of each statement. */
const ENGINE_SETTINGS = ["session_authorization", "role"];

/** The words of SQL that changes run-time settings of the session (UPDATE … SET matches too: harmless). */
const SETTING_WORDS = /\b(?:set|reset|set_config)\b/i;

function mayChangeSettings(statement: IsolatedStatement): boolean {
  return [statement, ...statement.parts].some((part) => SETTING_WORDS.test(part.queryString));
}

/** Run-time settings set in this session (`SET`), by name. */
async function readSettings(q: Queryable): Promise<ReadonlyMap<string, string>> {
  const found = await q.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE source = 'session' AND name <> ALL ($1::text[])",
    [ENGINE_SETTINGS],
  );
  return new Map(found.rows.map((row) => [row.name, row.setting]));
}

function sameSettings(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([name, value]) => b.get(name) === value);
}

/** Makes the session's settings `wanted`: sets what differs, resets what `wanted` does not set. */
async function applySettings(
  tx: Queryable,
  current: ReadonlyMap<string, string>,
  wanted: ReadonlyMap<string, string>,
): Promise<void> {
  for (const [name, value] of wanted) {
    if (current.get(name) !== value) await tx.query("SELECT set_config($1, $2, false)", [name, value]);
  }
  for (const name of current.keys()) {
    if (!wanted.has(name)) await tx.query(`RESET ${name.split(".").map(quoteIdentifier).join(".")}`);
  }
}
