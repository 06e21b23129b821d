// Benchmark 6: first contact with the example app, timed from outside as a new user meets it: `npm
// run demo` on a fresh copy (no `.redshift-views/`), with the initialised-cluster cache empty (a
// project that installed the package, before its first local command) and filled (as `npm ci` leaves
// this repository); then one command against the local emulator (`redshift-views status development`,
// with `node` and with `npx`) and `redshift-views check`. Wall-clock medians: on a machine
// busy with other work they are inflated, which the load average printed by run.mjs shows.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatMs, median, ratioSpread, repo, timeCommand } from "./lib.mjs";

const EXAMPLE = ["prisma", "prisma.config.ts", "package.json", "generated-views", "scripts/demo.mjs"];
const TARGETS = { demo: 8000, status: 1500, check: 1000 };

/** A fresh copy of the example app, as after `git clone && npm ci`: the built package, no local state. */
function freshCopy() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-first-contact-"));
  for (const entry of EXAMPLE) cpSync(path.join(repo, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(repo, "dist"), path.join(dir, "dist"), "dir");
  symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

export function benchFirstContact({ rounds = 3 } = {}) {
  const cacheRoot = mkdtempSync(path.join(os.tmpdir(), "bench-cluster-cache-"));
  const bin = path.join(repo, "dist/cli/bin.js");
  const times = { demoCold: [], demoWarm: [], status: [], statusNpx: [], check: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const cold = path.join(cacheRoot, `cold-${round}`);
      const warm = path.join(cacheRoot, "warm");
      for (const [key, cacheDir] of [
        ["demoCold", cold],
        ["demoWarm", warm],
      ]) {
        const dir = freshCopy();
        const env = { ...process.env, REDSHIFT_VIEWS_CACHE_DIR: cacheDir };
        try {
          times[key].push(timeCommand(process.execPath, ["scripts/demo.mjs"], { cwd: dir, env }));
          if (key === "demoWarm") {
            times.status.push(
              timeCommand(process.execPath, [bin, "status", "development"], { cwd: dir, env }),
            );
            times.check.push(timeCommand(process.execPath, [bin, "check"], { cwd: dir, env }));
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    // As the README has a new user type it: npm's own start and its look at node_modules come on
    // top of the tool's. In the repository itself (npx does not resolve the tool in a copy whose
    // node_modules is a link), after a demo there (untimed) has provisioned its views.
    const env = { ...process.env, REDSHIFT_VIEWS_CACHE_DIR: path.join(cacheRoot, "warm") };
    timeCommand(process.execPath, ["scripts/demo.mjs"], { cwd: repo, env });
    for (let round = 0; round < rounds; round++)
      times.statusNpx.push(
        timeCommand("npx", ["redshift-views", "status", "development"], { cwd: repo, env }),
      );
  } finally {
    rmSync(cacheRoot, { recursive: true, force: true });
  }
  return Object.fromEntries(
    Object.entries(times)
      .filter(([, values]) => values.length > 0)
      .map(([key, values]) => [key, { values, median: median(values) }]),
  );
}

export function describeFirstContact(result) {
  // Judged like every timed figure: on the spread of the rounds' times over the target.
  const row = (benchmark, measured, limitMs) => ({
    benchmark,
    measured: `${formatMs(measured.median)} (median of ${measured.values.length}; ${formatMs(Math.min(...measured.values))}–${formatMs(Math.max(...measured.values))})`,
    spread: ratioSpread(measured.values.map((ms) => ms / limitMs)),
    limit: 1,
    target: `≤ ${formatMs(limitMs)}`,
  });
  return [
    row(
      "`npm run demo`, fresh copy, empty cluster cache (the package installed from the registry, before its first local command)",
      result.demoCold,
      TARGETS.demo,
    ),
    row(
      "`npm run demo`, fresh copy, cluster cache filled (after `npm ci` in this repository: `prepare` fills it)",
      result.demoWarm,
      TARGETS.demo,
    ),
    row("`redshift-views status development` (19 views, local emulator)", result.status, TARGETS.status),
    ...(result.statusNpx === undefined
      ? []
      : [row("`npx redshift-views status development`, the same", result.statusNpx, TARGETS.status)]),
    row("`redshift-views check`", result.check, TARGETS.check),
  ];
}
