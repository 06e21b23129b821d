/**
 * Redshift's own error number at the head of a failed statement's text, e.g. `1023` in
 * `ERROR:1023 DETAIL: Serializable isolation violation on table …` — the one structured part of the
 * Data API's `Error`. Read at that position only, never searched for in the text.
 * https://docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation-serializable-isolation-troubleshooting.html
 */
function redshiftErrorNumber(error: string): string | undefined {
  return /^ERROR:\s*(\d{3,5})(?=\s|$)/.exec(error)?.[1];
}

/** Two transactions that wrote the same table at once: the documented remedy is to retry. */
export function isSerializationConflict(error: string): boolean {
  return redshiftErrorNumber(error) === "1023";
}
