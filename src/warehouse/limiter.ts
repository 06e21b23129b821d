/** Runs at most `max` tasks at once; the rest wait in FIFO order. */
export interface Limiter {
  <T>(task: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly pending: number;
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${max}`);
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    active--;
    const next = queue.shift();
    if (next !== undefined) {
      active++;
      next();
    }
  };
  const limit = async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => queue.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
  return Object.defineProperties(limit, {
    active: { get: () => active },
    pending: { get: () => queue.length },
  }) as Limiter;
}
