import type { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import type { ProjectOptions } from "../generate/project-options.js";
import type { PollOptions, RetryOptions, WarehouseEvent } from "../warehouse/index.js";

/** What every command that talks to a warehouse takes. */
export interface WarehouseOptions extends ProjectOptions {
  /** e.g. `development`, `production`: which entry of the config, and what `<%= environment %>` becomes. */
  readonly environment: string;
  /** `redshift-views.config.{ts,json}`. Default: the one in the project root, if any. */
  readonly config?: string;
  /** Where `REDSHIFT_*` overrides and `REDSHIFT_VIEWS_EMULATOR_*` faults are read. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Once aborted, nothing more is submitted; statements in flight get a short grace period. */
  readonly signal?: AbortSignal;
  /**
   * The Data API client to use instead of one made for the target (a custom endpoint or credentials;
   * tests). The target's connection fields still go into every request.
   */
  readonly client?: RedshiftDataClient;
  /** Tuning of the wait for statements (default: first look after 250 ms, then every 500 ms). */
  readonly poll?: PollOptions;
  /** Tuning of retries on throttling and transient failures. */
  readonly retry?: RetryOptions;
  /** `user@host` written to the lock and the operation history. Default: this process's. */
  readonly runBy?: string;
}

export type WarningCode =
  | "templates_regenerated"
  | "history_not_recorded"
  | "history_unreadable"
  | "history_row_unreadable"
  | "lock_taken_over"
  | "lock_not_released"
  | "access_unaudited"
  | "local_state_not_ignored"
  | "source_states_unread";

/** Something the user should know that does not stop the run. */
export interface Warning {
  readonly kind: "warning";
  readonly code: WarningCode;
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
}

/** What every warehouse command reports while it runs. */
export type SessionEvent =
  | Warning
  /** Every statement submitted, polled, completed, and every retry (for `--verbose`). */
  | { readonly kind: "warehouse"; readonly event: WarehouseEvent };
