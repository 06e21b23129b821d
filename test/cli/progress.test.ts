import { afterEach, describe, expect, it, vi } from "vitest";
import { isTruthy, progressReporter } from "../../src/cli/progress.js";
import { fakeIo } from "../helpers/index.js";

describe("progressReporter", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("announces the work, counts finished items and says when it is still waiting", () => {
    vi.useFakeTimers();
    const io = fakeIo("/");
    const progress = progressReporter(io, "Applying", 3, 1000);
    progress.step("✔ add a.b");
    vi.advanceTimersByTime(2500);
    progress.step("✔ add a.c");
    progress.step("✔ add a.d");
    vi.advanceTimersByTime(5000);
    progress.done();
    expect(io.err).toEqual([
      "Applying 3 views…",
      "  [1/3] ✔ add a.b",
      "  … 1/3 done, waiting on the warehouse (1.0 s)",
      "  … 1/3 done, waiting on the warehouse (2.0 s)",
      "  [2/3] ✔ add a.c",
      "  [3/3] ✔ add a.d",
      "  done in 7.5 s",
    ]);
  });

  it("prints nothing when there is nothing to do", () => {
    const io = fakeIo("/");
    progressReporter(io, "Refreshing", 0).done();
    expect(io.err).toEqual([]);
  });
});

describe("isTruthy", () => {
  it("reads DRY_RUN-style switches", () => {
    expect(["1", "true", "YES", " on "].map(isTruthy)).toEqual([true, true, true, true]);
    expect([undefined, "", "0", "false", "no"].map(isTruthy)).toEqual([false, false, false, false, false]);
  });
});
