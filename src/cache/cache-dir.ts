import { createRequire } from "node:module";
import path from "node:path";

/**
 * `REDSHIFT_VIEWS_CACHE_DIR`, else `node_modules/.cache/prisma-redshift-views` beside the installed
 * `packageName` (the convention of other tools' caches, removed with `node_modules`). Undefined when
 * that package is not installed under a `node_modules` folder: no cache then. Resolving the package
 * does not load it.
 */
export function cacheDirBeside(
  packageName: string,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const given = env.REDSHIFT_VIEWS_CACHE_DIR;
  if (given !== undefined && given !== "") return path.resolve(given);
  const entry = createRequire(import.meta.url).resolve(packageName);
  const at = entry.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (at < 0) return undefined;
  return path.join(entry.slice(0, at), "node_modules", ".cache", "prisma-redshift-views");
}
