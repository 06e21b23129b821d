// docs/performance.md is rendered from bench/results.json, never edited by hand: every figure in it
// comes from the run recorded there, and the prose here says nothing that depends on a figure.
// `npm run bench:docs` renders it again from the committed results; `npm run bench` does after a run.
// test/docs/performance.test.ts fails when the two disagree.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MARK = { met: "✔ met", missed: "✖ missed", unresolved: "? unresolved" };

/** The figures as a Markdown table, one title row per section. */
export function renderTable(rows) {
  const header = ["benchmark", "measured", "target", "ratio (spread)", "verdict"];
  const ratio = (row) =>
    row.spread !== undefined
      ? `${row.spread.median.toFixed(2)} (${row.spread.interval} ${row.spread.low.toFixed(2)}–${row.spread.high.toFixed(2)}, ${row.spread.rounds} rounds)`
      : row.ratio === undefined
        ? ""
        : row.ratio.toFixed(2);
  const lines = [];
  let current;
  for (const row of rows) {
    if (row.section !== current) {
      current = row.section;
      lines.push([`**${current}**`, "", "", "", ""]);
    }
    lines.push([
      row.benchmark,
      row.measured,
      row.target,
      ratio(row),
      row.verdict === undefined ? "" : MARK[row.verdict],
    ]);
  }
  const escaped = (cell) => cell.replaceAll("|", "\\|");
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((cell) => escaped(cell[column]).length)),
  );
  const line = (cells) =>
    `| ${cells.map((cell, column) => escaped(cell).padEnd(widths[column])).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`,
    ...lines.map(line),
  ].join("\n");
}

/** docs/performance.md for a bench/results.json. */
export function renderPerformance(report) {
  const { machine, rows } = report;
  const count = (kind) => rows.filter((row) => row.verdict === kind).length;
  const open = rows.filter((row) => row.verdict === "missed" || row.verdict === "unresolved");
  const contended = Math.max(machine.loadAverage.start, machine.loadAverage.end) > machine.cpus * 0.75;
  const sections = (report.sections ?? [])
    .map(
      (section) =>
        `${section.title}: ${section.seconds} s, load average ${section.loadAverage.toFixed(1)} at its end`,
    )
    .map((text) => `- ${text}`)
    .join("\n");
  return `# Performance

<!-- Rendered by bench/render-docs.mjs from bench/results.json: do not edit by hand. -->

\`npm run bench\` builds the package and runs five benchmarks against the built \`dist/\`, offline (the
Prisma schema engine is replaced by \`scripts/schema-engine-offline\`; the warehouse is the embedded
emulator, in memory). It prints each figure beside its target, writes \`bench/results.json\` and
renders this page from it (\`npm run bench:docs\` renders it again from the committed results). The
command exits 0 whatever the verdicts: nothing here is a timed assertion in the test suite.

\`\`\`sh
npm run bench
\`\`\`

## How a timed figure is judged

Each side of a timed ratio runs in a **fresh Node process of its own** (\`bench/child.mjs\`, or the
\`prisma\` CLI), and the two sides **alternate** (A B A B …), so neither inherits the other's heap,
JIT state, garbage or a burst of load from another process. Each round gives one ratio (its A over
its B); the figure is the **median** of those ratios and its **spread** is their interquartile range
from 5 rounds on, their whole range (min–max) below that. A target is **met** when the whole spread
is within it, **missed** when the whole spread is beyond it, and **unresolved** otherwise: the
rounds cannot tell, and the figure is reported as neither. Counts (calls, files) are exact and are
judged as they are. The machine these runs use is shared with other work: the load average is
recorded below, and the spread is what shows how much it moved the figures.

## Latest figures

From \`bench/results.json\` of the run that ended at ${report.date}: Node ${machine.node}, ${machine.cpus} CPUs
(${machine.cpuModel}), ${machine.memoryGb} GB; 1-minute load average ${machine.loadAverage.start.toFixed(1)} at the start and
${machine.loadAverage.end.toFixed(1)} at the end${contended ? " (a contended machine: other work ran beside the benchmarks)" : ""}. ${count("met")} targets met, ${count("missed")} missed,
${count("unresolved")} unresolved; the run took ${report.totalSeconds} s, plus \`npm run build\`.

${renderTable(rows)}

Time and load by section:

${sections}

## Missed and unresolved

${
  open.length === 0
    ? "None in this run."
    : open
        .map(
          (row) =>
            `- **${row.verdict}**: ${row.benchmark.trim()} — ${row.measured}; target ${row.target}${row.spread === undefined ? "" : `; ratio ${row.spread.median.toFixed(2)}, ${row.spread.interval} ${row.spread.low.toFixed(2)}–${row.spread.high.toFixed(2)} over ${row.spread.rounds} rounds`}.`,
        )
        .join("\n")
}

An unresolved figure needs more rounds (or a quieter machine) before it says anything; a missed one
is explained by the rows under it where the benchmark splits its time.

## What each benchmark measures

1. **Generator overhead** (\`bench/generator.mjs\`). A synthesized schema (\`bench/synthesize-schema.mjs\`)
   of 100 and 1,000 exported models × 40 fields: mixed scalar types, enums, optional fields, all four
   classification levels and unannotated fields, \`@map\`/\`@@map\`, composite keys. \`prisma generate\`
   with this package's generator vs with a no-op generator (\`bench/noop-generator.mjs\`), each run
   through \`bench/measure-rss.mjs\` (which records the generator process's peak RSS), alternating; at
   100 × 40 one warm-up pair first, not kept (at 1,000 × 40 a run takes tens of seconds, so there are
   few rounds, and a figure whose rounds disagree is unresolved). Target: ≤ 1.10×.
2. **Standalone generate** (same file). The library's \`generate()\` (what \`redshift-views generate\`
   runs, writing every file) vs Prisma's \`getDMMF\` alone on the same schema text, each in a fresh
   process, each timed on its second call in that process (both warm), alternating. \`generate\` calls
   \`getDMMF\` itself, so the ratio is at least 1 when the measurement is sound. Target: ≤ 1.5×; and an
   unchanged re-run writes nothing (actions other than "unchanged" plus files whose mtime moved; 100 × 40).
3. **Provisioning end to end** (\`bench/provision.mjs\`). 100 models → 200 views to add, the emulator
   injecting 500 ms into every statement (\`faults.latencyMs\`), the default concurrency and polling;
   the emulator runs on a thread of its own (\`bench/emulator-thread.mjs\`), as a warehouse is another
   machine, so its PGlite work does not hold up the client's timers.
   Each round is a fresh process that starts an emulator, creates the tool's lock and history tables
   through an earlier run on another environment (the steady state), and times the library's
   \`provision()\` call from the moment it is made until it returns: schema read and template check,
   lock, catalog reads, dependents, apply, history, release. The ideal counts the round trips each
   phase actually issued, one statement latency each (the rows under the figure give the count per
   phase): statements submitted together count once, the view batches count ⌈batches / concurrency⌉,
   the history's batches one each. The emulator injects no latency into \`ListStatements\` (the lock's
   check for statements in flight), so that call is not a round trip of the ideal. The apply alone
   (from the \`applying\` event until the history is written) is judged against the round trips of its
   own phases. The sequential loop submits one view's batch at a time (the schemas' batches first),
   each only when the previous one has finished, with exactly the SQL \`provision\` submitted for those
   views (captured from a run without latency, whose schemas are then dropped), on a sample of views
   extrapolated per batch to the 200 (labelled as such). It is polled at the tightest schedule the
   tool allows itself, at most 2 polls a second per statement (first poll after 250 ms, then every
   500 ms): the Data API's documentation gives account-wide request quotas but no per-statement
   polling limit. Target: ≤ 1.3×, end to end and for the apply alone.
4. **Scale** (\`bench/scaling.mjs\`). 6, 50 and 2,000 views (up to 1,000 models × 10 fields; each model
   gives a non-PII and a PII view). For each size the CLI (\`redshift-views provision development
   --yes\`, then \`status development\`) runs in a fresh process of its own, through
   \`bench/measure-rss.mjs\`, on a fresh project and the embedded emulator it starts itself (PGlite,
   in the same process, so counted in the peak RSS), without injected latency: its time and peak RSS.
   That warehouse is then opened in the benchmark's process and \`plan\` and \`status\` run through
   the library API, each on a Data API client of its own that counts every request it sends, by
   operation. 2,000 views take the catalog's and the operation history's results past the emulator's
   result page (1,000 rows, \`src/emulator/statement-results.ts\`): each further page is a
   \`GetStatementResult\` call and is counted (every size runs the same queries, so the calls beyond
   the smallest size's are pages). The target is that the calls other than those pages stay constant;
   DescribeStatement polls depend on how long a query runs, so a slower query's extra poll counts
   against it. At 2,000 views one field of one model is then reclassified (public → highly_restricted,
   which changes both of that model's views) and the calls of the next \`provision\` are compared with
   what that change needs: the plan's reads, the dependents of the rebuilt views, the lock, and a
   batch per view and for the history. Targets: calls constant but for result pages; a one-model
   change ≈ those calls (≤ 1.5×).
5. **Completion latency** (\`bench/completion.mjs\`). \`SELECT 1\` statements with 0.2, 0.7, 1.3 and
   3.1 s injected (3 concurrent each) at the default polling. Notice delay = when the client's
   \`completed\` event fired minus the emulator's \`UpdatedAt\` of the finished statement (same clock).
   Polls are the client's \`polled\` events (a \`DescribeStatement\`, or a \`ListStatements\` that
   covered the statement), counted at their \`sentAt\`, when each poll was sent: the rate is the
   client's to keep, while answers arrive with the warehouse's jitter (a late answer and a prompt one
   can land close together).
   Targets: ≤ 1 s; ≤ 2 polls in any second per statement. Also checked: 20 concurrent 500 ms
   statements all finish about 500 ms after submission, i.e. the emulator's injected latency is each
   statement's duration while the others proceed (docs/emulator.md, "Injected latency").
6. **First contact** (\`bench/first-contact.mjs\`). What a new user meets, timed from outside the tool:
   \`npm run demo\` (\`scripts/demo.mjs\`: generate, provision, refresh and status of the example app)
   on a fresh copy of the example (the built package, no \`.redshift-views/\`), once with an empty
   initialised-cluster cache (as for a project that installed the package from the registry, before
   its first local command) and once with it filled (as after \`npm ci\` in this repository, whose
   \`prepare\` fills it); then, in the filled copy, \`redshift-views status development\` (one command
   against the local emulator, 19 views), run with \`node\`, and \`redshift-views check\`. Last,
   \`npx redshift-views status development\` as the README has a new user type it (npm's own start
   comes on top of the tool's), in the repository itself after a demo there: in the copy, whose
   \`node_modules\` is a link, npx does not find the tool. Each round is its own processes; the ratio
   judged is each round's time over the target. Targets: demo ≤ 8 s, status ≤ 1.5 s, check ≤ 1 s.

## Reproducing

- \`npm run bench\` — \`npm run build && node bench/run.mjs\`; writes \`bench/results.json\` and this page.
- \`npm run bench:docs\` — renders this page again from \`bench/results.json\`.
- Run it on a quiet machine if you can; the spread of each timed figure shows how much the load of
  the run moved it.
`;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = JSON.parse(readFileSync(path.join(repo, "bench/results.json"), "utf8"));
  writeFileSync(path.join(repo, "docs/performance.md"), renderPerformance(report));
  console.log("Wrote docs/performance.md from bench/results.json.");
}
