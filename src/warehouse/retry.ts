import type { RetryOptions } from "./types.js";
import { type ClassifiedFailure, classifyFailure, isRetryable } from "./warehouse-errors.js";

export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 10_000 };

/**
 * Backoff before attempt `attempt + 1`: exponential, capped, with "equal jitter" (half fixed, half
 * random) so that many throttled callers spread out but none retries immediately.
 */
function backoffDelay(attempt: number, options: Required<RetryOptions>, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface RetryContext {
  readonly options: Required<RetryOptions>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly onRetry: (attempt: number, delayMs: number, failure: ClassifiedFailure) => void;
}

export type RetryResult<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly failure: ClassifiedFailure;
      readonly attempts: number;
      readonly cause: unknown;
    };

/** Runs `call` until it succeeds, fails with something not worth retrying, or runs out of attempts. */
export async function withRetry<T>(call: () => Promise<T>, context: RetryContext): Promise<RetryResult<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      const failure = classifyFailure(error);
      if (!isRetryable(failure) || attempt >= context.options.maxAttempts)
        return { ok: false, failure, attempts: attempt, cause: error };
      const delayMs = backoffDelay(attempt, context.options, context.random);
      context.onRetry(attempt, delayMs, failure);
      await context.sleep(delayMs);
    }
  }
}
