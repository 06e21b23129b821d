import { RedshiftViewsError } from "../../src/errors.js";

/** The code of the RedshiftViewsError `run` throws (or rejects with), `none` when it succeeds. */
export function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof RedshiftViewsError ? error.code : `not a RedshiftViewsError: ${String(error)}`;
  }
  return "none";
}

export async function rejection(promise: Promise<unknown>): Promise<RedshiftViewsError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof RedshiftViewsError))
    throw new Error(`expected a RedshiftViewsError, got ${String(error)}`);
  return error;
}
