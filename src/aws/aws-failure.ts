/**
 * What went wrong with a call to an AWS service, decided from the error's structured fields (the SDK's
 * `name`, `$metadata.httpStatusCode`, Node's `code`), never from its message text: messages are prose
 * that AWS rewords, names and status codes are part of the API.
 */
export type AwsFailureKind =
  /** The identity is known but lacks a permission (IAM said no). */
  | "access-denied"
  /** No usable credentials: none found, expired, or rejected. */
  | "credentials"
  | "throttled"
  /** The endpoint could not be reached. */
  | "network"
  /** The service failed (5xx). */
  | "service"
  | "other";

export interface AwsFailure {
  readonly kind: AwsFailureKind;
  /** The SDK's error name (`AccessDenied`, `IntegrationNotFoundFault`…) or Node's code (`ECONNREFUSED`). */
  readonly name: string;
  readonly httpStatus: number | undefined;
  /** The first line of the service's message, for people. */
  readonly message: string;
}

const CREDENTIALS = new Set([
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "InvalidSignatureException",
  "MissingAuthenticationToken",
  "MissingAuthenticationTokenException",
  "IncompleteSignature",
  "IncompleteSignatureException",
  "TokenRefreshRequired",
]);
// CloudWatch (JSON with query compatibility) and RDS (awsQuery) both say `AccessDenied`; JSON-only
// services say `AccessDeniedException`.
const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "NotAuthorized",
  "UnauthorizedOperation",
]);
const THROTTLED = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
]);
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "TimeoutError",
]);

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

export function describeAwsFailure(error: unknown): AwsFailure {
  const sdkName = field(error, "name");
  const nodeCode = field(error, "code") ?? field(field(error, "cause"), "code");
  const name =
    typeof nodeCode === "string" && NETWORK.has(nodeCode)
      ? nodeCode
      : typeof sdkName === "string"
        ? sdkName
        : "Error";
  const status = field(field(error, "$metadata"), "httpStatusCode");
  const httpStatus = typeof status === "number" ? status : undefined;
  const rawMessage = field(error, "message");
  const message = (typeof rawMessage === "string" ? rawMessage : String(error)).split("\n")[0] ?? "";
  const kind = ((): AwsFailureKind => {
    if (CREDENTIALS.has(name)) return "credentials";
    if (ACCESS_DENIED.has(name) || httpStatus === 403) return "access-denied";
    if (THROTTLED.has(name) || httpStatus === 429) return "throttled";
    if (NETWORK.has(name)) return "network";
    if (httpStatus !== undefined && httpStatus >= 500) return "service";
    return "other";
  })();
  return { kind, name, httpStatus, message: message.slice(0, 1000) };
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
      return `${service} kept throttling the requests (the SDK already retried); run again later.`;
    case "network":
      return `Could not reach ${service}; check the network/proxy and the region (AWS_REGION), then run again.`;
    case "service":
      return `${service} failed on its side; run again later.`;
    case "other":
      return `${service} rejected the request; the message above says why.`;
  }
}
