import { ApiError } from "./api-error.js";

/**
 * `NextToken`s: opaque to clients, as the API reference describes them ("A value that indicates the
 * starting point for the next set of response records"). The emulator's token names what it pages
 * (the operation, and for results the statement) and where the next page starts, so a token is only
 * accepted where it was handed out; the wording of the refusal is the emulator's (not documented).
 */
export function encodeToken(scope: string, position: number): string {
  return Buffer.from(JSON.stringify({ s: scope, v: position })).toString("base64url");
}

/** The position a token stands for; 0 without a token. */
export function decodeToken(scope: string, token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      s?: unknown;
      v?: unknown;
    };
    if (parsed.s === scope && typeof parsed.v === "number" && Number.isInteger(parsed.v) && parsed.v >= 0) {
      return parsed.v;
    }
  } catch {
    // Not a token of the emulator's: refused below.
  }
  throw new ApiError(
    "ValidationException",
    "The NextToken is invalid: pass the NextToken of the previous page of this same request, unchanged.",
  );
}

/**
 * One page of `items` from the token's position: at most `maxResults` (0 or absent: `defaultSize`), and
 * a `nextToken` when more remain.
 */
export function pageOf<T>(
  items: readonly T[],
  request: {
    readonly scope: string;
    readonly maxResults: number | undefined;
    readonly defaultSize: number;
    readonly nextToken: string | undefined;
  },
): { readonly page: T[]; readonly nextToken: string | undefined } {
  const start = decodeToken(request.scope, request.nextToken);
  const size =
    request.maxResults === undefined || request.maxResults === 0 ? request.defaultSize : request.maxResults;
  const end = start + size;
  return {
    page: items.slice(start, end),
    nextToken: end < items.length ? encodeToken(request.scope, end) : undefined,
  };
}
