import { RedshiftViewsError } from "../errors.js";

/** Faults the emulator injects, for tests and benchmarks of the tool's retry and polling logic. */
export interface FaultOptions {
  /**
   * Every statement lasts at least this long (ms): it runs at once, and its outcome is shown once this
   * long has passed since it started (see held-outcomes.ts). Default 0.
   */
  readonly latencyMs?: number;
  /** Probability (0..1) that any API request is answered with HTTP 400 `ThrottlingException`. Default 0. */
  readonly throttleRate?: number;
  /**
   * Statements whose SQL matches fail with a Redshift-like error (SQLSTATE XX000); a batch containing
   * one fails as a whole. A string is a case-insensitive regular expression source.
   */
  readonly failPattern?: RegExp | string;
  /** `DescribeStatement`, `GetStatementResult` and `ListStatements` answer after this delay (ms). Default 0. */
  readonly pollDelayMs?: number;
  /** Seed of the pseudo-random throttling decisions, so a run is reproducible. Default 1. */
  readonly seed?: number;
  /**
   * Replicated (zero-ETL) tables shown as resyncing: `ResyncInitiated` in SVV_INTEGRATION_TABLE_STATE,
   * and every statement that reads one fails, as on Redshift while a table resyncs (see
   * zero-etl-states.ts). Each name is `<table>`, `<schema>.<table>` or `<database>.<schema>.<table>`.
   */
  readonly resyncing?: readonly string[];
  /**
   * Called as each statement or batch is accepted, before it runs; it stays SUBMITTED until the
   * returned promise settles. Lets a test act at an exact point of a run (interrupt it, keep a
   * statement in flight, look at the warehouse between statements) without racing a timer. Set in
   * code only, never from the environment.
   */
  readonly onStatement?: (statement: AcceptedStatement) => void | Promise<void>;
}

/** A statement as the emulator accepted it, for `FaultOptions.onStatement`. */
export interface AcceptedStatement {
  readonly id: string;
  readonly name?: string;
  /** The SQL submitted (for a batch, its statements in order). */
  readonly sqls: readonly string[];
}

/**
 * Reads fault injection from the environment (used by `redshift-views emulator` and benchmarks):
 *
 * - `REDSHIFT_VIEWS_EMULATOR_LATENCY_MS` — statement latency in ms (`latencyMs`)
 * - `REDSHIFT_VIEWS_EMULATOR_THROTTLE_RATE` — 0..1 probability of `ThrottlingException` (`throttleRate`)
 * - `REDSHIFT_VIEWS_EMULATOR_FAIL_PATTERN` — regular expression; matching statements fail (`failPattern`)
 * - `REDSHIFT_VIEWS_EMULATOR_POLL_DELAY_MS` — delay of status/result/list answers in ms (`pollDelayMs`)
 * - `REDSHIFT_VIEWS_EMULATOR_SEED` — integer seed of the throttling decisions (`seed`)
 * - `REDSHIFT_VIEWS_EMULATOR_RESYNCING` — comma-separated replicated tables shown as resyncing (`resyncing`)
 *
 * Unset or empty variables leave the fault off; invalid values throw `E_EMULATOR_FAULTS`.
 */
export function faultsFromEnv(env: NodeJS.ProcessEnv): FaultOptions {
  const faults: {
    latencyMs?: number;
    throttleRate?: number;
    failPattern?: RegExp;
    pollDelayMs?: number;
    seed?: number;
    resyncing?: readonly string[];
  } = {};
  const number = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new RedshiftViewsError(
        "E_EMULATOR_FAULTS",
        `${name}=${raw} is not a number from ${min} to ${max}.`,
        {
          hint: `Set ${name} to a number from ${min} to ${max}, or unset it.`,
        },
      );
    }
    return value;
  };
  const latencyMs = number("REDSHIFT_VIEWS_EMULATOR_LATENCY_MS", 0, 3_600_000);
  if (latencyMs !== undefined) faults.latencyMs = latencyMs;
  const throttleRate = number("REDSHIFT_VIEWS_EMULATOR_THROTTLE_RATE", 0, 1);
  if (throttleRate !== undefined) faults.throttleRate = throttleRate;
  const pollDelayMs = number("REDSHIFT_VIEWS_EMULATOR_POLL_DELAY_MS", 0, 3_600_000);
  if (pollDelayMs !== undefined) faults.pollDelayMs = pollDelayMs;
  const seed = number("REDSHIFT_VIEWS_EMULATOR_SEED", 0, 2 ** 32 - 1);
  if (seed !== undefined) faults.seed = seed;
  const resyncing = tableNames(env.REDSHIFT_VIEWS_EMULATOR_RESYNCING, "REDSHIFT_VIEWS_EMULATOR_RESYNCING");
  if (resyncing.length > 0) faults.resyncing = resyncing;
  const pattern = env.REDSHIFT_VIEWS_EMULATOR_FAIL_PATTERN;
  if (pattern !== undefined && pattern !== "")
    faults.failPattern = toPattern(pattern, "REDSHIFT_VIEWS_EMULATOR_FAIL_PATTERN");
  return faults;
}

/**
 * A comma-separated list of table names (`users`, `app.users`, `"db"."app"."users"` without the
 * quotes); blanks around names are ignored. A name with quotes or an empty part is refused, since it
 * could match nothing.
 */
function tableNames(raw: string | undefined, source: string): string[] {
  if (raw === undefined || raw.trim() === "") return [];
  const names = raw.split(",").map((name) => name.trim());
  const bad = names.find(
    (name) =>
      name === "" ||
      name.includes('"') ||
      name.split(".").some((part) => part === "") ||
      name.split(".").length > 3,
  );
  if (bad !== undefined) {
    throw new RedshiftViewsError(
      "E_EMULATOR_FAULTS",
      `${source}=${raw} has an invalid table name ${JSON.stringify(bad)}.`,
      {
        hint: `List replicated tables separated by commas, each as <table>, <schema>.<table> or <database>.<schema>.<table> without quotes, e.g. ${source}=users,app.orders`,
      },
    );
  }
  return names;
}

export function toPattern(pattern: RegExp | string, source = "failPattern"): RegExp {
  if (pattern instanceof RegExp) return pattern;
  try {
    return new RegExp(pattern, "i");
  } catch (error) {
    throw new RedshiftViewsError(
      "E_EMULATOR_FAULTS",
      `${source} ${JSON.stringify(pattern)} is not a valid regular expression.`,
      {
        hint: "Use a JavaScript regular expression source, e.g. DROP MATERIALIZED VIEW.*users",
        cause: error,
      },
    );
  }
}

/** mulberry32: small, fast, good enough for reproducible fault decisions. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
