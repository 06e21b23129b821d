// The rows of bench/results.json from each section's described figures: a timed ratio is judged on
// its spread across rounds (met, missed or unresolved), a count as it is.
import { verdict } from "./lib.mjs";

export function judgeRows(sections) {
  return sections.flatMap((section) =>
    section.rows.map((row) => {
      const judged = row.limit !== undefined && (row.ratio !== undefined || row.spread !== undefined);
      return {
        section: section.title,
        benchmark: row.benchmark,
        measured: row.measured,
        target: row.limit === undefined ? "" : (row.target ?? `≤ ${row.limit.toFixed(2)}×`),
        ratio: row.spread?.median ?? row.ratio,
        ...(row.spread === undefined ? {} : { spread: row.spread }),
        verdict: !judged
          ? undefined
          : row.spread !== undefined
            ? verdict(row.spread, row.limit)
            : row.ratio <= row.limit + 1e-9
              ? "met"
              : "missed",
      };
    }),
  );
}
