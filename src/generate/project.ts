import { existsSync, readFileSync } from "node:fs";
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

/** The `name` of the project's package.json, the default project id; undefined when there is none. */
export function packageName(projectRoot: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8"));
    const name =
      typeof parsed === "object" && parsed !== null ? (parsed as { name?: unknown }).name : undefined;
    return typeof name === "string" && name !== "" ? name : undefined;
  } catch {
    // No package.json, or not JSON: the generator block must name the project.
    return undefined;
  }
}
