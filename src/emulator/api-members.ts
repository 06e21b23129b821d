import type { RequestCredentials } from "./request-identity.js";
import { constraintViolation } from "./validation.js";

/**
 * Members of Data API requests and responses. Requests are checked against the service model first
 * (see validation.ts), so reading a member only narrows its type.
 */
export type Body = Readonly<Record<string, unknown>>;

/** What the emulator knows of a request besides its body. */
export interface RequestContext {
  /** The access key id of the request's SigV4 signature. */
  readonly accessKeyId: string | undefined;
  /** The `X-Amz-Security-Token` of temporary credentials. */
  readonly sessionToken?: string | undefined;
}

/** A Data API operation: request body to response body. */
export type Operation = (body: Body, request: RequestContext) => Body | Promise<Body>;

export function stringMember(body: Body, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" ? value : undefined;
}

export function integerMember(body: Body, key: string): number | undefined {
  const value = body[key];
  return typeof value === "number" ? value : undefined;
}

/** Timestamps travel as epoch seconds in AWS JSON 1.1. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

export function withoutUndefined(value: Record<string, unknown>): Body {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined));
}

/** A member the service model requires (checked before the operation runs). */
export function requiredString(body: Body, key: string): string {
  const value = stringMember(body, key);
  if (value === undefined)
    throw constraintViolation(null, key.charAt(0).toLowerCase() + key.slice(1), "Member must not be null");
  return value;
}

/** The members naming the warehouse and user of a request, for `requestIdentity`. */
export function credentialsOf(body: Body, request: RequestContext): RequestCredentials {
  return {
    clusterIdentifier: stringMember(body, "ClusterIdentifier"),
    workgroupName: stringMember(body, "WorkgroupName"),
    dbUser: stringMember(body, "DbUser"),
    secretArn: stringMember(body, "SecretArn"),
    accessKeyId: request.accessKeyId,
  };
}
