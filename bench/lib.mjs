import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const offlineEngine = path.join(repo, "scripts/schema-engine-offline");

/** A throw-away project whose node_modules is the repository's. */
export function tempProject(name, schema) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"), "dir");
  mkdirSync(path.join(dir, "prisma"));
  writeFileSync(path.join(dir, "prisma/schema.prisma"), schema);
  return dir;
}

export function timeCommand(command, args, options) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { ...options, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return ms;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function formatMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** Runs `node bench/child.mjs <task> <options>` in a fresh process; its result (last stdout line). */
export function runChild(task, options, env = process.env) {
  const result = spawnSync(
    process.execPath,
    [path.join(repo, "bench/child.mjs"), task, JSON.stringify(options)],
    {
      cwd: repo,
      env,
      encoding: "utf8",
      maxBuffer: 64 * 2 ** 20,
    },
  );
  if (result.status !== 0)
    throw new Error(`bench/child.mjs ${task} failed:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1));
}

/**
 * Runs `a(round)` and `b(round)` alternately (A B A B …), each call its own timed process, and returns
 * each side's times in order. A warm-up pair (not kept) first, when `warmUp`: it fills the OS's file
 * cache for both sides.
 */
export function interleave({ rounds, a, b, warmUp = false }) {
  if (warmUp) {
    a(-1);
    b(-1);
  }
  const aMs = [];
  const bMs = [];
  for (let round = 0; round < rounds; round++) {
    aMs.push(a(round));
    bMs.push(b(round));
  }
  return { aMs, bMs };
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted, q) {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/**
 * The spread of per-round ratios: the median, and the interval a verdict is judged on, the
 * interquartile range from 5 rounds on, the whole range (min–max) below that (a quartile of 3 or 4
 * values says little).
 */
export function ratioSpread(ratios) {
  const sorted = [...ratios].sort((x, y) => x - y);
  const quartiles = sorted.length >= 5;
  return {
    rounds: sorted.length,
    median: median(sorted),
    min: sorted[0],
    max: sorted.at(-1),
    low: quartiles ? quantile(sorted, 0.25) : sorted[0],
    high: quartiles ? quantile(sorted, 0.75) : sorted.at(-1),
    interval: quartiles ? "IQR" : "min–max",
  };
}

/** Per-round ratios of paired times (round i of A over round i of B). */
export function pairedRatios(aMs, bMs) {
  return aMs.map((value, index) => value / bMs[index]);
}

/**
 * "met" when the whole interval is within the limit, "missed" when all of it is beyond, otherwise
 * "unresolved": the rounds cannot tell, and the figure is neither.
 */
export function verdict(spread, limit) {
  if (spread.high <= limit + 1e-9) return "met";
  if (spread.low > limit + 1e-9) return "missed";
  return "unresolved";
}

/** "1.04× (IQR 1.01–1.07, 9 rounds)". */
export function formatSpread(spread) {
  return `${spread.median.toFixed(2)}× (${spread.interval} ${spread.low.toFixed(2)}–${spread.high.toFixed(2)}, ${spread.rounds} rounds)`;
}
