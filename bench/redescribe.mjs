// Describes and judges the measurements of bench/results.json again (after a change to how a figure
// is described or judged; nothing is measured), then renders docs/performance.md:
// `node bench/redescribe.mjs`. The run's date, machine, load and timings stay those of the run.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { judgeRows } from "./judge.mjs";
import { repo } from "./lib.mjs";
import { renderPerformance } from "./render-docs.mjs";

const { describeGenerator } = await import("./generator.mjs");
const { describeProvision } = await import("./provision.mjs");
const { describeCompletion } = await import("./completion.mjs");
const { describeScaling } = await import("./scaling.mjs");
const { describeFirstContact } = await import("./first-contact.mjs");
const describe = {
  generator100: describeGenerator,
  generator1000: describeGenerator,
  provision: describeProvision,
  scaling: describeScaling,
  completion: describeCompletion,
  firstContact: describeFirstContact,
};

const file = path.join(repo, "bench/results.json");
const report = JSON.parse(readFileSync(file, "utf8"));
// Runs recorded before sections carried their key list them in the order the results were stored.
const keys = Object.keys(report.results);
const sections = report.sections.map((section, index) => ({
  ...section,
  key: section.key ?? keys[index],
}));
const rows = judgeRows(
  sections.map((section) => ({ ...section, rows: describe[section.key](report.results[section.key]) })),
);
const updated = { ...report, sections, rows };
writeFileSync(file, `${JSON.stringify(updated, null, 2)}\n`);
writeFileSync(path.join(repo, "docs/performance.md"), renderPerformance(updated));
console.log("Described bench/results.json again and rendered docs/performance.md.");
