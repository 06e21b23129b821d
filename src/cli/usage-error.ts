/** A problem with how a command was called (exit code 2), as opposed to what it found (exit code 1). */
export class UsageError extends Error {}
