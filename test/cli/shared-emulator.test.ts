import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBy } from "../../src/bookkeeping/run-by.js";
import { LOCAL_DEPLOY_USER } from "../../src/connect/connection-fields.js";
import { seedLocalWarehouse } from "../../src/connect/session.js";
import { type AcceptedStatement, type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { prepareViews } from "../../src/generate/generate.js";
import { MODELS, makeProject, REPO_ROOT, removeDir, schema } from "../helpers/index.js";
import { edit } from "../helpers/warehouse.js";

// The built `redshift-views` binary, run as separate processes against one emulator they reach through
// AWS_ENDPOINT_URL_REDSHIFT_DATA, as with `redshift-views emulator`. The emulator runs in this process
// (started and seeded as that command does) so that its statement hook can hold the two runs' lock
// transactions until both have been submitted: the runs overlap for certain, whatever the machine.

const BIN = path.join(REPO_ROOT, "dist/cli/bin.js");
let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error("dist/ is missing: run `npm run build` first (npm test does).");
  dir = await makeProject("shared-emulator", { "prisma/schema.prisma": schema(MODELS) });
  await writeFile(
    path.join(dir, "redshift-views.config.json"),
    JSON.stringify({
      environments: {
        development: {
          clusterIdentifier: "local",
          dbUser: LOCAL_DEPLOY_USER,
          database: "dev",
          region: "us-east-1",
        },
      },
    }),
  );
  emulator = await startEmulator();
  await seedLocalWarehouse(emulator, await prepareViews({ cwd: dir }), "development");
});

afterAll(async () => {
  await emulator?.stop();
  if (dir !== undefined) await removeDir(dir);
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `redshift-views <args>` in its own process, signed with `accessKey` (one person's credentials). */
function cli(args: string[], accessKey = "AKIAALICE"): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ENDPOINT_URL_REDSHIFT_DATA: emulator.endpoint,
        AWS_ACCESS_KEY_ID: accessKey,
        AWS_SECRET_ACCESS_KEY: "local",
        AWS_REGION: "us-east-1",
        NO_COLOR: "1",
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function lockRows(): Promise<number> {
  const [row] = await emulator.query("SELECT count(*)::int AS n FROM redshift_views.provision_lock");
  return Number(row?.n);
}

describe("two people provisioning one environment at once", () => {
  it("lets exactly one apply; the other exits 1 naming the holder; the lock is released and a third run has nothing to do", async () => {
    const first = await cli(["provision", "development", "--yes"]);
    expect(first.stderr).toContain("✔ 4 views applied.");
    expect(first.code).toBe(0);

    await writeFile(
      path.join(dir, "prisma/schema.prisma"),
      schema(
        edit(
          MODELS,
          "  /// @classification public\n  country",
          "  /// @classification restricted\n  country",
        ),
      ),
    );
    expect((await cli(["generate"])).code).toBe(0);
    // Each run's lock transaction is held until both have been submitted, then both go: they race
    // for certain. A run that ends before submitting one releases the other. The two are different
    // people: ListStatements shows neither the other's statements in flight (RoleLevel), so what
    // stops the second is the lock table.
    const locks: AcceptedStatement[] = [];
    let open: () => void = () => {};
    const bothSubmitted = new Promise<void>((resolve) => {
      open = resolve;
    });
    emulator.setFaults({
      onStatement: (statement) => {
        if (!statement.sqls[0]?.startsWith("LOCK ")) return;
        locks.push(statement);
        if (locks.length === 2) open();
        return bothSubmitted;
      },
    });
    let runs: Run[];
    try {
      runs = await Promise.all(
        ["AKIAALICE", "AKIABOB"].map((key) =>
          cli(["provision", "development", "--yes"], key).finally(() => open()),
        ),
      );
    } finally {
      open();
      emulator.setFaults({});
    }
    expect(locks).toHaveLength(2);
    const applied = runs.filter((run) => run.code === 0);
    const refused = runs.filter((run) => run.code === 1);
    expect(applied).toHaveLength(1);
    expect(refused).toHaveLength(1);
    // users loses a column (rebuilt); users_pii keeps its columns, with a new data dictionary.
    expect(applied[0]?.stderr).toContain("✔ 2 views applied.");
    expect(refused[0]?.stderr).toContain("[E_PROVISION_LOCKED]");
    expect(refused[0]?.stderr).toContain(`development is being provisioned by ${runBy()} since`);
    expect(refused[0]?.stderr).not.toContain("Applying");

    expect(await lockRows()).toBe(0);
    const third = await cli(["provision", "development", "--yes"], "AKIACAROL");
    expect(third.code).toBe(0);
    expect(third.stderr).toContain("Nothing to apply: every view matches its template.");
  });
});
