import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commandReference, withCommandReference } from "../../src/cli/command-reference.js";

const repo = path.resolve(import.meta.dirname, "../..");
const readme = readFileSync(path.join(repo, "README.md"), "utf8");

/** Every `E_…` code written in the sources. */
function errorCodes(): string[] {
  const codes = new Set<string>();
  for (const entry of readdirSync(path.join(repo, "src"), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const text = readFileSync(path.join(entry.parentPath, entry.name), "utf8");
    for (const match of text.matchAll(/"(E_[A-Z0-9_]+)"/g)) codes.add(match[1] ?? "");
  }
  return [...codes].sort();
}

describe("README", () => {
  it("has the command reference the CLI renders (run `npm run docs` after changing a command)", async () => {
    expect(withCommandReference(readme, await commandReference())).toBe(readme);
  });

  it("explains every error code the code can raise", () => {
    const troubleshooting = readme.slice(readme.indexOf("## Troubleshooting"));
    expect(errorCodes().filter((code) => !troubleshooting.includes(`\`${code}\``))).toEqual([]);
  });

  it("gives the two commands for a fresh machine on its first screen", () => {
    const firstScreen = readme.split("\n").slice(0, 25).join("\n");
    expect(firstScreen).toContain("npm ci && npm run demo");
    expect(firstScreen).toContain("npm test");
  });
});
