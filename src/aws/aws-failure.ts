/**
 * What went wrong with a call to an AWS service, decided from the error's structured fields (the SDK's
 * `name`, `$metadata.httpStatusCode`, Node's `code`), never from its message text: messages are prose
 * that AWS rewords, names and status codes are part of the API. One table serves every client of the
 * tool (Data API, CloudWatch, RDS), and each of its rows has a test.
 */
type AwsFailureKind =
  /** The identity is known but lacks a permission (IAM said no). */
  | "access-denied"
  /** No usable credentials: none found, expired, or rejected. */
  | "credentials"
  /** Too many requests or statements at once: retried with backoff. */
  | "throttled"
  /** The service failed on its side (5xx) or the connection broke mid-request: retried. */
  | "transient"
  /** The endpoint could not be reached at all (refused, no such host): not retried. */
  | "network"
  /** The cluster, workgroup, database, statement or integration named does not exist. */
  | "not-found"
  /** The request was malformed or named something invalid. */
  | "validation"
  /**
   * The Data API could not run the statement in the warehouse (`ExecuteStatementException`): the
   * cluster is unavailable, or the database user or its credentials were refused. Its name does not
   * say which, so it is not retried and the hint names both.
   */
  | "environment"
  | "other";

export interface AwsFailure {
  readonly kind: AwsFailureKind;
  /** The SDK's error name (`AccessDenied`, `IntegrationNotFoundFault`…) or Node's code (`ECONNREFUSED`). */
  readonly name: string;
  readonly httpStatus: number | undefined;
  /** The first line of the service's message, for people (never used to decide anything). */
  readonly message: string;
}

/** One row of the table: what it matches (an error name or code, or an HTTP status class) and the kind. */
export type FailureRule =
  | { readonly name: string; readonly kind: AwsFailureKind }
  | { readonly status: 401 | 403 | 404 | 429 | "5xx"; readonly kind: AwsFailureKind };

/** Names first (exact), then HTTP statuses: a specific name wins over its status class. */
export const FAILURE_RULES: readonly FailureRule[] = [
  // Credentials the SDK could not find, or the service did not accept.
  { name: "CredentialsProviderError", kind: "credentials" },
  { name: "ExpiredToken", kind: "credentials" },
  { name: "ExpiredTokenException", kind: "credentials" },
  { name: "InvalidClientTokenId", kind: "credentials" },
  { name: "UnrecognizedClientException", kind: "credentials" },
  { name: "SignatureDoesNotMatch", kind: "credentials" },
  { name: "InvalidSignatureException", kind: "credentials" },
  { name: "MissingAuthenticationToken", kind: "credentials" },
  { name: "MissingAuthenticationTokenException", kind: "credentials" },
  { name: "IncompleteSignature", kind: "credentials" },
  { name: "IncompleteSignatureException", kind: "credentials" },
  { name: "TokenRefreshRequired", kind: "credentials" },
  // CloudWatch (JSON with query compatibility) and RDS (awsQuery) say `AccessDenied`; JSON-only
  // services such as the Data API say `AccessDeniedException`.
  { name: "AccessDenied", kind: "access-denied" },
  { name: "AccessDeniedException", kind: "access-denied" },
  { name: "NotAuthorized", kind: "access-denied" },
  { name: "UnauthorizedOperation", kind: "access-denied" },
  // The Data API's limits on concurrent work (HTTP 400):
  // https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html#API_ExecuteStatement_Errors
  { name: "ActiveStatementsExceededException", kind: "throttled" },
  { name: "ActiveSessionsExceededException", kind: "throttled" },
  { name: "ActiveWaitingRequestsExceededException", kind: "throttled" },
  { name: "Throttling", kind: "throttled" },
  { name: "ThrottlingException", kind: "throttled" },
  { name: "TooManyRequestsException", kind: "throttled" },
  { name: "RequestLimitExceeded", kind: "throttled" },
  // "The SQL statement encountered an environmental error while running" (HTTP 500), same page.
  { name: "ExecuteStatementException", kind: "environment" },
  { name: "BatchExecuteStatementException", kind: "environment" },
  { name: "ResourceNotFoundException", kind: "not-found" },
  { name: "IntegrationNotFoundFault", kind: "not-found" },
  { name: "ValidationException", kind: "validation" },
  // Node's codes for a connection that broke or timed out (retried) …
  { name: "ECONNRESET", kind: "transient" },
  { name: "EPIPE", kind: "transient" },
  { name: "ETIMEDOUT", kind: "transient" },
  { name: "ECONNABORTED", kind: "transient" },
  { name: "EAI_AGAIN", kind: "transient" },
  { name: "UND_ERR_SOCKET", kind: "transient" },
  { name: "TimeoutError", kind: "transient" },
  { name: "RequestTimeout", kind: "transient" },
  { name: "RequestTimeoutException", kind: "transient" },
  // … and for an endpoint that cannot be reached at all (not retried: the next attempt fails alike).
  { name: "ECONNREFUSED", kind: "network" },
  { name: "ENOTFOUND", kind: "network" },
  { name: "EHOSTUNREACH", kind: "network" },
  { name: "ENETUNREACH", kind: "network" },
  { name: "CERT_HAS_EXPIRED", kind: "network" },
  { status: 401, kind: "credentials" },
  { status: 403, kind: "access-denied" },
  { status: 404, kind: "not-found" },
  { status: 429, kind: "throttled" },
  { status: "5xx", kind: "transient" },
];

const BY_NAME: ReadonlyMap<string, AwsFailureKind> = new Map(
  FAILURE_RULES.flatMap((rule) => ("name" in rule ? [[rule.name, rule.kind] as const] : [])),
);

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function byStatus(status: number | undefined): AwsFailureKind | undefined {
  if (status === undefined) return undefined;
  const key = status >= 500 ? "5xx" : status;
  return FAILURE_RULES.find((rule) => "status" in rule && rule.status === key)?.kind;
}

/** Removes access key ids and anything following `Credential=`/`Signature=` from a message. */
function scrubMessage(message: string): string {
  return (
    message
      .split("\n")[0]
      ?.replace(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, "****")
      .replace(/(Credential|Signature|X-Amz-Security-Token|SessionToken)=[^\s,]+/gi, "$1=****")
      .slice(0, 1000) ?? ""
  );
}

export function describeAwsFailure(error: unknown): AwsFailure {
  const sdkName = field(error, "name");
  // Node puts a socket error's code on the error or, wrapped by the SDK's HTTP handler, on its cause.
  const nodeCode = [field(error, "code"), field(field(error, "cause"), "code")].find(
    (code): code is string => typeof code === "string" && BY_NAME.has(code),
  );
  const name = nodeCode ?? (typeof sdkName === "string" ? sdkName : "Error");
  const status = field(field(error, "$metadata"), "httpStatusCode");
  const httpStatus = typeof status === "number" ? status : undefined;
  const rawMessage = field(error, "message");
  const message = scrubMessage(typeof rawMessage === "string" ? rawMessage : String(error));
  const kind = BY_NAME.get(name) ?? byStatus(httpStatus) ?? "other";
  return { kind, name, httpStatus, message };
}

/** Worth another attempt after a backoff. */
export function isRetryable(failure: AwsFailure): boolean {
  return failure.kind === "throttled" || failure.kind === "transient";
}

/** `AccessDenied (HTTP 403): <message>` — how a failure is quoted in an error message. */
export function formatAwsFailure(failure: AwsFailure): string {
  const status = failure.httpStatus === undefined ? "" : ` (HTTP ${failure.httpStatus})`;
  return `${failure.name}${status}: ${failure.message}`;
}

/** What to do about a failure that is not specific to one operation. */
export function genericAwsHint(failure: AwsFailure, service: string): string {
  switch (failure.kind) {
    case "access-denied":
      return `The AWS identity in use is not allowed to call ${service}; grant the permission named above.`;
    case "credentials":
      return "Check the AWS credentials in use (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; run `aws sso login` if a session expired).";
    case "throttled":
      return `${service} kept throttling the requests (they were retried); run again later.`;
    case "network":
      return `Could not reach ${service}; check the network/proxy and the region (AWS_REGION), then run again.`;
    case "transient":
      return `${service} failed on its side or the connection broke (the requests were retried); run again later.`;
    case "not-found":
      return `${service} found no such resource; check the names and the region.`;
    case "validation":
    case "environment":
    case "other":
      return `${service} rejected the request; the message above says why.`;
  }
}
