/**
 * Redshift Data API limits, enforced before sending so the caller gets a clear error instead of a
 * ValidationException: https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html ("Considerations
 * when calling the Amazon Redshift Data API").
 */
export const MAX_BATCH_STATEMENTS = 40;
export const MAX_STATEMENT_BYTES = 100 * 1024;

/** Statements or batches kept in flight at once by default. */
export const DEFAULT_CONCURRENCY = 20;
/** The Data API allows about 200 active statements per account and region. */
export const MAX_CONCURRENCY = 200;
