import path from "node:path";

/** A path as the user would type it from where they are. */
export function relativeTo(cwd: string, target: string): string {
  const relative = path.relative(cwd, target);
  return relative === "" ? "." : relative.startsWith("..") || path.isAbsolute(relative) ? target : relative;
}
