import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The project root: the nearest folder above the schema with a package.json (else the schema's
 * folder). Paths in generated headers are relative to it, so they do not depend on the working
 * directory; the local emulator keeps its state in `<root>/.redshift-views/`.
 */
export function findProjectRoot(schemaPath: string): string {
  const start = path.extname(schemaPath) === ".prisma" ? path.dirname(schemaPath) : schemaPath;
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

export function displayPathFrom(root: string): (file: string) => string {
  return (file) => path.relative(root, file).split(path.sep).join("/");
}
