// Runs a generator entry in this process and records the process's peak memory when it exits.
// Usage (as a generator provider): node bench/measure-rss.mjs <generator entry> ; BENCH_RSS_FILE=<out>
import { appendFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [entry] = process.argv.slice(2);
process.on("exit", () => {
  if (process.env.BENCH_RSS_FILE)
    appendFileSync(process.env.BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
await import(pathToFileURL(entry).href);
