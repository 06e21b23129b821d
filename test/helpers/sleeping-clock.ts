/**
 * A client clock that moves only when a test fires its sleepers: `now` and `sleep` for a warehouse or
 * poll scheduler (an aborted sleep resolves at once, as the real one does), and `wakeEarliest` to move
 * the clock to the earliest pending sleep and end it.
 */
export function sleepingClock() {
  let now = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  return {
    now: () => now,
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      return new Promise((resolve) => {
        const timer = { at: now + ms, resolve };
        timers.push(timer);
        signal?.addEventListener("abort", () => {
          timers.splice(timers.indexOf(timer), 1);
          resolve();
        });
      });
    },
    /** Sleeps pending. */
    pending: () => timers.length,
    /** Moves the clock to the earliest pending sleep and ends it; undefined when none is pending. */
    wakeEarliest(): number | undefined {
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (next === undefined) return undefined;
      now = Math.max(now, next.at);
      next.resolve();
      return now;
    },
  };
}
