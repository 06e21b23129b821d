import { describe, expect, it } from "vitest";
import { createLimiter } from "../../src/warehouse/limiter.js";

describe("createLimiter", () => {
  it("runs at most `max` tasks at once, in FIFO order, and survives failures", async () => {
    const limit = createLimiter(2);
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const task = (i: number) =>
      limit(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        if (i === 1) throw new Error("boom");
        return i;
      });
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map(task));
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
      "fulfilled",
    ]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(limit.active).toBe(0);
    expect(limit.pending).toBe(0);
  });

  it("rejects a non-positive limit", () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
