import type {
  DescribeStatementResponse,
  ListStatementsResponse,
  StatementData,
} from "@aws-sdk/client-redshift-data";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLL } from "../../src/warehouse/index.js";
import {
  createPollScheduler,
  longestCommonPrefix,
  median,
  statementKind,
} from "../../src/warehouse/poll-scheduler.js";
import type { StatementStatus } from "../../src/warehouse/types.js";
import { sleepingClock } from "../helpers/sleeping-clock.js";

/** A clock that moves only when every pending sleep but the earliest has been given its turn. */
function fakeClock() {
  const clock = sleepingClock();
  return {
    ...clock,
    /** Lets pending promises run, then fires the earliest timer; false when none is left. */
    async step(): Promise<boolean> {
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      return clock.wakeEarliest() !== undefined;
    },
  };
}

interface FakeStatement {
  readonly id: string;
  readonly name?: string;
  readonly createdAt: number;
  /** When it ends, on the fake clock. */
  readonly endsAt: number;
  readonly status?: StatementStatus;
}

/** A fake Data API over the fake clock: statements end at `endsAt`; counts calls. */
function fakeApi(
  clock: ReturnType<typeof fakeClock>,
  options: { pageSize?: number; hidden?: string[] } = {},
) {
  const statements: FakeStatement[] = [];
  const calls = { DescribeStatement: 0, ListStatements: 0 };
  const listPrefixes: string[] = [];
  const statusOf = (statement: FakeStatement): StatementStatus =>
    clock.now() >= statement.endsAt ? (statement.status ?? "FINISHED") : "STARTED";
  const maxPageSize = options.pageSize ?? 100;
  return {
    statements,
    calls,
    listPrefixes,
    describe: async (id: string): Promise<DescribeStatementResponse> => {
      calls.DescribeStatement++;
      const statement = statements.find((one) => one.id === id);
      if (statement === undefined) throw new Error(`no statement ${id}`);
      const status = statusOf(statement);
      return {
        Id: id,
        Status: status,
        CreatedAt: new Date(statement.createdAt),
        UpdatedAt: new Date(status === "STARTED" ? clock.now() : statement.endsAt),
      };
    },
    list: async (
      prefix: string,
      size: number,
      token: string | undefined,
    ): Promise<ListStatementsResponse> => {
      calls.ListStatements++;
      listPrefixes.push(prefix);
      const matching = statements
        .filter((one) => one.name?.startsWith(prefix) === true && !options.hidden?.includes(one.id))
        .reverse();
      const pageSize = Math.min(size, maxPageSize);
      const start = token === undefined ? 0 : Number(token);
      const page = matching.slice(start, start + pageSize);
      return {
        Statements: page.map(
          (one): StatementData => ({ Id: one.id, StatementName: one.name, Status: statusOf(one) }),
        ),
        ...(start + pageSize < matching.length ? { NextToken: String(start + pageSize) } : {}),
      };
    },
  };
}

function setup(options: { pageSize?: number; hidden?: string[]; list?: "fails" } = {}) {
  const clock = fakeClock();
  const api = fakeApi(clock, options);
  const polls = new Map<string, number[]>();
  const scheduler = createPollScheduler({
    poll: DEFAULT_POLL,
    describe: api.describe,
    list:
      options.list === "fails"
        ? async () => {
            api.calls.ListStatements++;
            throw new Error("AccessDeniedException");
          }
        : api.list,
    sleep: clock.sleep,
    now: clock.now,
    onPolled: (id) => polls.set(id, [...(polls.get(id) ?? []), clock.now()]),
    timedOut: (id) => new Error(`timed out ${id}`),
    interrupted: (id) => new Error(`interrupted ${id}`),
  });
  /** Submits a statement now that ends `durationMs` later, and waits for it. */
  const submit = (id: string, durationMs: number, name?: string, status?: StatementStatus) => {
    const createdAt = clock.now();
    api.statements.push({
      id,
      ...(name === undefined ? {} : { name }),
      createdAt,
      endsAt: createdAt + durationMs,
      ...(status === undefined ? {} : { status }),
    });
    const noticed = scheduler.wait(id, { name, submittedAt: createdAt }).then((description) => ({
      description,
      noticedAt: clock.now(),
    }));
    return noticed;
  };
  const settle = async <T>(promise: Promise<T>): Promise<T> => {
    let done = false;
    const result = promise.finally(() => {
      done = true;
    });
    while (!done && (await clock.step()));
    return result;
  };
  return { clock, api, polls, submit, settle };
}

/** The most polls of one statement in any window of `windowMs`. */
function mostPollsInWindow(times: readonly number[], windowMs = 1000): number {
  return Math.max(
    0,
    ...times.map((start) => times.filter((at) => at >= start && at < start + windowMs).length),
  );
}

describe("poll scheduler", () => {
  it("polls 20 statements in flight with one ListStatements a tick, not one DescribeStatement each", async () => {
    const { api, polls, submit, settle } = setup();
    const waits = Array.from({ length: 20 }, (_, i) =>
      submit(`s${i}`, 1800, `redshift-views:prod:create:v${i}`),
    );
    const ended = await settle(Promise.all(waits));
    expect(ended.every(({ description }) => description.Status === "FINISHED")).toBe(true);
    // Polled at 250, 750, 1250 and 1750 (still running), then 2250 (ended): five ticks, one list each.
    expect(api.calls.ListStatements).toBe(5);
    // Only the end's detail is described: once per statement.
    expect(api.calls.DescribeStatement).toBe(20);
    expect(new Set(api.listPrefixes)).toEqual(new Set(["redshift-views:prod:create:v"]));
    for (const times of polls.values()) expect(times).toEqual([250, 750, 1250, 1750, 2250]);
  });

  it("notices an end at the first poll after it", async () => {
    const { submit, settle } = setup();
    const [first, second] = await settle(
      Promise.all([submit("a", 600, "run:create:a"), submit("b", 600, "run:create:b")]),
    );
    expect(first?.description.Status).toBe("FINISHED");
    expect(first?.noticedAt).toBe(750);
    expect(second?.noticedAt).toBe(750);
  });

  it("uses DescribeStatement alone for a single statement in flight", async () => {
    const { api, submit, settle } = setup();
    const { description, noticedAt } = await settle(submit("only", 1000, "run:create:only"));
    expect(description.Status).toBe("FINISHED");
    expect(noticedAt).toBe(1250);
    expect(api.calls).toEqual({ DescribeStatement: 3, ListStatements: 0 });
  });

  it("describes statements the list does not show: unnamed, or not on the pages read", async () => {
    const { api, submit, settle } = setup({ hidden: ["missing"] });
    const ended = await settle(
      Promise.all([
        submit("named", 600, "run:create:a"),
        submit("missing", 600, "run:create:b"),
        submit("unnamed", 600),
      ]),
    );
    expect(ended.map(({ noticedAt }) => noticedAt)).toEqual([750, 750, 750]);
    // Tick at 250: one list (2 named), 2 describes (the unlisted and the unnamed); at 750 the same,
    // plus the detail of the listed one that ended.
    expect(api.calls).toEqual({ ListStatements: 2, DescribeStatement: 5 });
  });

  it("reads a second page when a statement in flight is not on the first, and no more", async () => {
    const { api, submit, settle } = setup({ pageSize: 2 });
    const ended = await settle(
      Promise.all([
        submit("a", 300, "run:x:a"),
        submit("b", 300, "run:x:b"),
        submit("c", 300, "run:x:c"),
        submit("d", 300, "run:x:d"),
        submit("e", 300, "run:x:e"),
      ]),
    );
    expect(ended.every(({ noticedAt }) => noticedAt === 750)).toBe(true);
    // Two ticks of two pages each; the oldest statement is on the third page, so it is described at
    // both ticks, and the four listed ones once each for their end.
    expect(api.calls.ListStatements).toBe(4);
    expect(api.calls.DescribeStatement).toBe(2 + 4);
  });

  it("falls back to DescribeStatement for good when ListStatements fails", async () => {
    const { api, submit, settle } = setup({ list: "fails" });
    const ended = await settle(
      Promise.all([submit("a", 600, "run:create:a"), submit("b", 600, "run:create:b")]),
    );
    expect(ended.every(({ description }) => description.Status === "FINISHED")).toBe(true);
    expect(api.calls).toEqual({ ListStatements: 1, DescribeStatement: 4 });
  });

  it("never polls a statement more than twice in any second, however statements come and go", async () => {
    const { polls, submit, settle, clock } = setup();
    const waits: Promise<unknown>[] = [];
    // Staggered submissions and mixed durations: ticks of others fall between a statement's own polls.
    for (let i = 0; i < 30; i++) {
      waits.push(submit(`s${i}`, 200 + ((i * 137) % 2500), `run:create:v${i}`));
      await settle(clock.sleep(40 + ((i * 53) % 170)));
    }
    await settle(Promise.all(waits));
    expect(polls.size).toBe(30);
    for (const times of polls.values()) expect(mostPollsInWindow(times)).toBeLessThanOrEqual(2);
  });

  it("times the first poll of a statement at the median duration of those of its kind that finished", async () => {
    const { polls, submit, settle } = setup();
    let submittedAt = 0;
    for (const [index, duration] of [900, 1000, 1100].entries())
      submittedAt = (await settle(submit(`warm${index}`, duration, `run:create:w${index}`))).noticedAt;
    const { noticedAt } = await settle(submit("next", 1000, "run:create:next"));
    // First poll at the median of the three, 1000 ms after submission: it sees the end.
    expect(polls.get("next")).toEqual([noticedAt]);
    expect(noticedAt - submittedAt).toBe(1000);
    // Another kind, none of it finished yet, starts at the median of all kinds (1000 ms) but no later
    // than the untuned schedule's second poll (500 ms).
    const other = await settle(submit("other", 100, "run:history:h"));
    expect(other.noticedAt - noticedAt).toBe(500);
  });

  it("times a first statement of its kind from the others that finished, then from its own", async () => {
    const { polls, submit, settle } = setup();
    // Nothing finished yet: the untuned schedule (250, 750).
    const lock = await settle(submit("lock", 300, "run:lock:l"));
    expect(lock.noticedAt).toBe(750);
    // One statement of another kind took 300 ms: the next kind's first poll is at +300.
    const read = await settle(submit("read", 300, "run:catalog:c"));
    expect(polls.get("read")).toEqual([750 + 300]);
    expect(read.noticedAt).toBe(1050);
    // Slower than that: polled again 250 ms later, as after any timed first poll.
    const schema = await settle(submit("schema", 520, "run:schema:s"));
    expect(polls.get("schema")).toEqual([1050 + 300, 1050 + 550]);
    expect(schema.noticedAt).toBe(1600);
  });

  it("polls a statement a little slower than the median again soon, within the rate", async () => {
    const { polls, submit, settle } = setup();
    let submittedAt = 0;
    for (const index of [0, 1, 2])
      submittedAt = (await settle(submit(`warm${index}`, 1000, `run:create:w${index}`))).noticedAt;
    const { noticedAt } = await settle(submit("slow", 1100, "run:create:slow"));
    expect(polls.get("slow")).toEqual([submittedAt + 1000, submittedAt + 1250]);
    expect(noticedAt).toBe(submittedAt + 1250);
  });

  it("rejects a statement whose wait is aborted, and keeps polling the others", async () => {
    const { clock, api, submit, settle } = setup();
    const controller = new AbortController();
    api.statements.push({ id: "stopped", name: "run:x:stopped", createdAt: 0, endsAt: 10_000 });
    const scheduler = createPollScheduler({
      poll: DEFAULT_POLL,
      describe: api.describe,
      list: api.list,
      sleep: clock.sleep,
      now: clock.now,
      onPolled: () => {},
      timedOut: (id) => new Error(`timed out ${id}`),
      interrupted: (id) => new Error(`interrupted ${id}`),
    });
    const stopped = scheduler.wait("stopped", { name: "run:x:stopped", submittedAt: 0 }, controller.signal);
    const other = submit("other", 600, "run:x:other");
    controller.abort();
    await expect(stopped).rejects.toThrow("interrupted stopped");
    expect((await settle(other)).description.Status).toBe("FINISHED");
  });
});

describe("helpers", () => {
  it("finds the common prefix, the median and a name's kind", () => {
    expect(longestCommonPrefix(["redshift-views:p:create:a", "redshift-views:p:create:b"])).toBe(
      "redshift-views:p:create:",
    );
    expect(longestCommonPrefix(["abc", "xyz"])).toBe("");
    expect(longestCommonPrefix([])).toBe("");
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeUndefined();
    expect(statementKind("redshift-views:p:create:a.b")).toBe("redshift-views:p:create:");
    expect(statementKind(undefined)).toBe("");
  });
});
