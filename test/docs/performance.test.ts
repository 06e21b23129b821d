import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ResultRow, renderPerformance } from "../../bench/render-docs.mjs";

const repo = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(repo, file), "utf8");

// docs/performance.md is rendered from the committed benchmark results; no benchmark runs here.
describe("docs/performance.md", () => {
  const report = JSON.parse(read("bench/results.json")) as { rows: ResultRow[] };

  it("is what bench/results.json renders to (run `npm run bench:docs` after changing either)", () => {
    expect(read("docs/performance.md")).toBe(renderPerformance(report));
  });

  it("shows every figure of the results", () => {
    const page = read("docs/performance.md");
    for (const row of report.rows) expect(page).toContain(row.measured.replaceAll("|", "\\|"));
  });

  it("judges every timed ratio on its spread: met only when the whole spread is within the target", () => {
    const rows = report.rows.filter((row) => row.spread !== undefined);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      // A ratio target ("≤ 1.30×") is its own limit; a time target ("≤ 8.00 s") is judged on the ratio
      // of each round's time to it, whose limit is 1.
      const ratioTarget = /≤ ([\d.]+)×/.exec(row.target)?.[1];
      const limit = ratioTarget === undefined ? 1 : Number(ratioTarget);
      const expected =
        (row.spread?.high ?? Number.NaN) <= limit + 1e-9
          ? "met"
          : (row.spread?.low ?? Number.NaN) > limit + 1e-9
            ? "missed"
            : "unresolved";
      expect(row.verdict).toBe(expected);
    }
  });
});
