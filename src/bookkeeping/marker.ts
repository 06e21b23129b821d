/**
 * What this tool stores on each view, as the comment of its first column (Redshift has no
 * `COMMENT ON MATERIALIZED VIEW`), so one catalog query reads every view's identity:
 *
 *     prisma-redshift-views sha256=<hash of DDL and grants> project=<id> comments=<hash of comments>
 *
 * followed, when the first column has a description, by ` | ` and that description. The marker
 * comes first because `SVV_COLUMNS.remarks` shows only the first 256 characters.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_COLUMNS.html
 */
const MARKER_PREFIX = "prisma-redshift-views sha256=";

/** Between the marker and the first column's own description. */
const MARKER_SEPARATOR = " | ";

export interface Marker {
  /** SHA-256 of the view's DDL and grants: a different one means a rebuild. */
  readonly hash: string;
  /**
   * The project that created the view. Absent on views made before projects were recorded: those
   * are adopted by the project whose template they match, and never dropped by anyone.
   */
  readonly project?: string;
  /** Hash of the column comments; absent until they were all applied. */
  readonly comments?: string;
}

const MARKER =
  /^prisma-redshift-views sha256=([0-9a-f]{64})(?: project=([A-Za-z0-9@][A-Za-z0-9._@/-]{0,99}))?(?: comments=([0-9a-f]{16}))?(?= |$)/;

/** The comment of a view's first column: the marker, then that column's description (if any). */
export function markerText(marker: Marker, description?: string): string {
  const words = [
    `${MARKER_PREFIX}${marker.hash}`,
    ...(marker.project === undefined ? [] : [`project=${marker.project}`]),
    ...(marker.comments === undefined ? [] : [`comments=${marker.comments}`]),
  ];
  return description === undefined ? words.join(" ") : `${words.join(" ")}${MARKER_SEPARATOR}${description}`;
}

/** The marker at the start of a first column's comment, or `undefined` for a view this tool did not create. */
export function parseMarker(remarks: string | null | undefined): Marker | undefined {
  if (remarks === null || remarks === undefined) return undefined;
  const match = MARKER.exec(remarks);
  if (match?.[1] === undefined) return undefined;
  return {
    hash: match[1],
    ...(match[2] === undefined ? {} : { project: match[2] }),
    ...(match[3] === undefined ? {} : { comments: match[3] }),
  };
}
