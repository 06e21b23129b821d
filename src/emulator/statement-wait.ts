import { isActive, type StatementRecord, type StatementStore } from "./statement-store.js";

/**
 * `WaitTimeSeconds`: "The number of seconds to wait for the SQL statement to complete execution before
 * returning the response. If the SQL statement does not complete within the specified time, the
 * response returns the current status"
 * (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html). Resolves
 * when the statement has ended, or when the time is up, whichever comes first.
 */
export function waitForEnd(
  store: StatementStore,
  record: StatementRecord,
  seconds: number | undefined,
): Promise<void> {
  if (seconds === undefined || !isActive(record.status)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stop();
      resolve();
    };
    const stop = store.onChange(() => {
      if (!isActive(record.status)) done();
    });
    // Unreferenced: a request still waiting never keeps a stopping emulator's process alive.
    const timer = setTimeout(done, seconds * 1000);
    timer.unref();
  });
}
