import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WarehouseSession } from "../../src/connect/session.js";
import { seededRandom } from "../../src/emulator/faults.js";
import { countPlan } from "../../src/plan/plan.js";
import { buildPlan } from "../../src/provision/provision.js";
import { makeProject, removeDir, schema } from "../helpers/index.js";
import {
  grants,
  MODELS,
  manyModels,
  provision,
  type Shared,
  sessionFor,
  startShared,
  storedHashes,
} from "./harness.js";

/**
 * Seeded runs of provision against one emulator with random latency, throttling, failing statements
 * and interruptions. `FAULT_RUNS` sets how many (default 6); a failing seed is printed in the test name.
 */
const RUNS = Number(process.env.FAULT_RUNS ?? "6");
const ENVIRONMENT = "faults";
const GRANT_SETS: string[][] = [[], ["GROUP analysts"], ["GROUP analysts", "ROLE auditors"], ["USER bob"]];

let shared: Shared;
let full: string;
let reduced: string;

beforeAll(async () => {
  shared = await startShared();
  full = await makeProject("faults-full", { "prisma/schema.prisma": schema(MODELS + manyModels(4)) });
  reduced = await makeProject("faults-reduced", { "prisma/schema.prisma": schema(MODELS + manyModels(2)) });
}, 60_000);
afterAll(async () => {
  await shared?.stop();
  await removeDir(full);
  await removeDir(reduced);
});

/** Every relation of the managed schemas, read directly (between statements: the engine is serial). */
async function relations(): Promise<Set<string>> {
  const rows = await shared.emulator.query(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'm' AND n.nspname LIKE 'analytics_${ENVIRONMENT}%'`,
  );
  return new Set(rows.map((row) => String(row.name)));
}

describe("fault injection", () => {
  it(`keeps every view's old or new definition through ${RUNS} faulty runs, and a clean run converges exactly`, async () => {
    let last: WarehouseSession | undefined;
    const seen: Record<string, number> = {};
    for (let run = 0; run < RUNS; run++) {
      const random = seededRandom(1000 + run);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const project = random() < 0.3 ? reduced : full;
      const session = await sessionFor(
        shared,
        project,
        ENVIRONMENT,
        grants(pick(GRANT_SETS), pick(GRANT_SETS)),
      );
      last = session;
      const before = await storedHashes(session);
      const { plan: expected } = await buildPlan(session);
      const wanted = new Map<string, string>(
        expected.items.flatMap((item) =>
          item.kind === "add" || item.kind === "update" || item.kind === "unchanged"
            ? [[`${item.view.schema}.${item.view.name}`, item.view.hash] as const]
            : [],
        ),
      );
      const dropped = new Set(
        expected.items.flatMap((item) => (item.kind === "drop" ? [`${item.schema}.${item.name}`] : [])),
      );
      const failing = pick(["thing_0", "thing_1|posts", "users", "no-such-view"]);
      shared.emulator.setFaults({
        latencyMs: Math.floor(random() * 40),
        throttleRate: random() * 0.25,
        seed: run + 1,
        ...(random() < 0.6 ? { failPattern: `CREATE MATERIALIZED VIEW[^(]*"(${failing})"` } : {}),
      });
      const controller = new AbortController();
      if (random() < 0.4) setTimeout(() => controller.abort(), Math.floor(random() * 150));

      // Watches the warehouse while the run applies: a view that existed must never be missing,
      // unless the plan drops it.
      const missing: string[] = [];
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const present = await relations();
          for (const view of before.keys()) if (!present.has(view) && !dropped.has(view)) missing.push(view);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      try {
        await provision(session, { signal: controller.signal, graceMs: 0, force: true }).then(
          ({ result }) => {
            for (const outcome of result.outcomes) seen[outcome.kind] = (seen[outcome.kind] ?? 0) + 1;
          },
          (error: unknown) => {
            // Planning itself may fail under faults; the warehouse must still be intact.
            expect(error).toBeInstanceOf(Error);
            seen.thrown = (seen.thrown ?? 0) + 1;
          },
        );
        await new Promise((resolve) => setTimeout(resolve, 60)); // statements still in flight land
      } finally {
        watching = false;
        await watcher;
        shared.emulator.setFaults({});
      }
      expect(missing, `seed ${1000 + run}`).toEqual([]);
      const after = await storedHashes(session);
      for (const [view, hash] of before) {
        if (dropped.has(view) && !after.has(view)) continue;
        expect([hash, wanted.get(view)], `seed ${1000 + run}: ${view}`).toContain(after.get(view));
      }
    }

    // The faults did bite (with the default seeds: failures and interruptions both happen).
    if (RUNS >= 6) expect(Object.keys(seen).filter((kind) => kind !== "applied").length).toBeGreaterThan(0);

    // A clean run, then the warehouse is exactly the templates.
    if (last === undefined) return;
    const clean = await provision(last, { force: true });
    expect(clean.result.outcomes.filter((outcome) => outcome.kind !== "applied")).toEqual([]);
    const { plan } = await buildPlan(last);
    expect(countPlan(plan)).toMatchObject({ add: 0, update: 0, drop: 0, conflict: 0 });
    const stored = await storedHashes(last);
    const desired = new Map<string, string | undefined>(
      plan.items.flatMap((item) =>
        item.kind === "unchanged" ? [[`${item.view.schema}.${item.view.name}`, item.view.hash] as const] : [],
      ),
    );
    expect(stored).toEqual(desired);
  }, 120_000);
});
