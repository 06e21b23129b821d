import { RedshiftViewsError } from "../errors.js";
import type { DataApiOperation } from "./types.js";

/** What went wrong with a Data API call, as far as deciding retry vs. which error to throw. */
export type FailureKind =
  | "throttled"
  | "transient"
  | "auth"
  | "not-found"
  | "validation"
  | "network"
  | "other";

export interface ClassifiedFailure {
  readonly kind: FailureKind;
  /** The SDK error name or Node error code, e.g. ThrottlingException or ECONNRESET. */
  readonly name: string;
  /** The first line of the message, with anything credential-like removed. */
  readonly message: string;
}

const THROTTLED = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "ActiveStatementsExceededException",
  "ActiveSessionsExceededException",
  "ActiveWaitingRequestsExceededException",
]);
const TRANSIENT = new Set([
  "InternalServerException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalFailure",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);
const AUTH = new Set([
  "CredentialsProviderError",
  "ExpiredTokenException",
  "ExpiredToken",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "AccessDeniedException",
  "AccessDenied",
  "NotAuthorized",
  "MissingAuthenticationTokenException",
  "IncompleteSignatureException",
  "TokenRefreshRequired",
]);
const NETWORK = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "CERT_HAS_EXPIRED"]);
const NOT_FOUND_MESSAGE =
  /(cluster|workgroup|database|endpoint|secret)[^.]*(not found|doesn'?t exist|does not exist|could not be found)/i;
const AUTH_MESSAGE = /not authori[sz]ed|access denied|permission|credentials/i;

function field(error: unknown, key: string): unknown {
  return typeof error === "object" && error !== null && key in error
    ? (error as Record<string, unknown>)[key]
    : undefined;
}

/** Removes access key ids and anything following `Credential=`/`Signature=` from a message. */
export function scrubMessage(message: string): string {
  return (
    message
      .split("\n")[0]
      ?.replace(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, "****")
      .replace(/(Credential|Signature|X-Amz-Security-Token|SessionToken)=[^\s,]+/gi, "$1=****")
      .slice(0, 1000) ?? ""
  );
}

export function classifyFailure(error: unknown): ClassifiedFailure {
  const sdkName = field(error, "name");
  const code = field(error, "code");
  const cause = field(error, "cause");
  const causeCode = field(cause, "code");
  const name =
    typeof code === "string" && code.startsWith("E")
      ? code
      : typeof causeCode === "string" && causeCode.startsWith("E")
        ? causeCode
        : typeof sdkName === "string"
          ? sdkName
          : "Error";
  const rawMessage = field(error, "message");
  const message = scrubMessage(typeof rawMessage === "string" ? rawMessage : String(error));
  const status = field(field(error, "$metadata"), "httpStatusCode");
  const kind = ((): FailureKind => {
    if (THROTTLED.has(name) || status === 429) return "throttled";
    if (AUTH.has(name) || status === 401 || status === 403) return "auth";
    if (TRANSIENT.has(name) || (typeof status === "number" && status >= 500)) return "transient";
    if (NETWORK.has(name)) return "network";
    if (name === "ResourceNotFoundException" || NOT_FOUND_MESSAGE.test(message)) return "not-found";
    if (
      (name === "ExecuteStatementException" || name === "BatchExecuteStatementException") &&
      AUTH_MESSAGE.test(message)
    )
      return "auth";
    if (name === "ValidationException") return "validation";
    if (/socket hang up|network|connection reset/i.test(message)) return "transient";
    return "other";
  })();
  return { kind, name, message };
}

export function isRetryable(failure: ClassifiedFailure): boolean {
  return failure.kind === "throttled" || failure.kind === "transient";
}

/**
 * What to tell the user for each kind of failure, written by the layer that knows where the
 * statements go (the warehouse client only knows the connection fields).
 */
export interface WarehouseHints {
  /** Credentials refused: which permissions and credentials to check. */
  readonly auth: string;
  /** The cluster, workgroup or database was not found, or the request was refused as invalid. */
  readonly where: string;
  /** The Data API could not be reached. */
  readonly network: string;
}

/** Hints for a warehouse the caller says nothing about (library use with a client of its own). */
export const GENERIC_HINTS: WarehouseHints = {
  auth: "Check the AWS credentials in use and that the identity may call the Redshift Data API.",
  where: "Check the cluster or workgroup, the database and the region.",
  network:
    "Could not reach the Redshift Data API. Check the network/proxy and the region; re-running is safe.",
};

/** The error to throw for a Data API call that failed for good (not retryable, or out of attempts). */
export function warehouseError(
  failure: ClassifiedFailure,
  context: {
    operation: DataApiOperation;
    /** Names the warehouse in the message, e.g. `environment "production"`. */
    label: string;
    hints: WarehouseHints;
    attempts: number;
    cause: unknown;
  },
): RedshiftViewsError {
  const { operation, label, hints, attempts, cause } = context;
  const after = attempts > 1 ? ` (after ${attempts} attempts)` : "";
  const said = `Data API ${operation} for ${label} failed${after}: ${failure.name}: ${failure.message}`;
  switch (failure.kind) {
    case "auth":
      return new RedshiftViewsError("E_WAREHOUSE_AUTH", said, { hint: hints.auth, cause });
    case "not-found":
      return new RedshiftViewsError("E_WAREHOUSE_NOT_FOUND", said, { hint: hints.where, cause });
    case "validation":
      return new RedshiftViewsError("E_WAREHOUSE_VALIDATION", said, {
        hint: `The Data API rejected the request. ${hints.where}`,
        cause,
      });
    case "throttled":
      return new RedshiftViewsError("E_WAREHOUSE_THROTTLED", said, {
        hint: "The Data API kept throttling or hit its active-statement limit (about 200). Lower `concurrency` in redshift-views.config, wait for other workloads, and re-run (provisioning converges).",
        cause,
      });
    case "transient":
    case "network":
      return new RedshiftViewsError("E_WAREHOUSE_NETWORK", said, {
        hint: hints.network,
        cause,
      });
    case "other":
      return new RedshiftViewsError("E_WAREHOUSE", said, {
        hint: `Unexpected Data API error. ${hints.where}`,
        cause,
      });
  }
}
