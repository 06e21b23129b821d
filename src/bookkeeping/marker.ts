/**
 * The hash of a view's DDL is stored as the comment of its first column (Redshift has no
 * `COMMENT ON MATERIALIZED VIEW`), so one catalog query reads every view's identity.
 */
export const MARKER_PREFIX = "prisma-redshift-views sha256=";

const MARKER = /prisma-redshift-views sha256=([0-9a-f]{64})/;

/** The comment that marks a view as this tool's, with the hash of what it was built from. */
export function markerText(hash: string): string {
  return `${MARKER_PREFIX}${hash}`;
}

/** The stored hash, or `undefined` for a view this tool did not create. */
export function parseMarker(remarks: string | null | undefined): string | undefined {
  return remarks === null || remarks === undefined ? undefined : MARKER.exec(remarks)?.[1];
}
