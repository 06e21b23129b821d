import os from "node:os";

/** Longest `user@host` written to the warehouse (the columns are VARCHAR(256)). */
const MAX_RUN_BY_LENGTH = 256;

/**
 * `user@host` of this process, as the lock and the operation history record who ran a command.
 * It is shown to people, never trusted: anything odd (`DOMAIN\user`, spaces) becomes `_`, so it is
 * always a safe SQL literal.
 */
export function runBy(raw: string = currentUserAtHost()): string {
  return raw.replace(/[^\w.@:-]/g, "_").slice(0, MAX_RUN_BY_LENGTH);
}

/** Some containers have no passwd entry for the user. */
function currentUserAtHost(): string {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER ?? "unknown";
  }
  return `${user}@${os.hostname()}`;
}
