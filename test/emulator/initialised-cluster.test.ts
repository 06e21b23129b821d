import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { clusterFile, defaultCacheDir, openCluster } from "../../src/emulator/initialised-cluster.js";

// A new database starts from the initialised cluster kept in the cache folder, not from `initdb`.
// Each `initdb` takes seconds, and more on a machine busy with other test runs.
const SLOW = 180_000;
let dir: string;
let cacheDir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rv-cluster-"));
  cacheDir = path.join(dir, "cache");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function originOf(pgdata: string | undefined): Promise<string> {
  const { db, origin } = await openCluster(pgdata, cacheDir);
  try {
    expect((await db.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  } finally {
    await db.close();
  }
  return origin;
}

describe("the initialised-cluster cache", () => {
  it(
    "is written by the first initdb, used by every new database after it, and not by an existing one",
    async () => {
      // Two processes starting at once on an empty cache both initialise, and both write it whole.
      expect(await Promise.all([originOf(undefined), originOf(undefined)])).toEqual(["initdb", "initdb"]);
      expect(existsSync(clusterFile(cacheDir))).toBe(true);
      expect(await originOf(undefined)).toBe("cache");
      const pgdata = path.join(dir, "data", "pgdata");
      expect(await originOf(pgdata)).toBe("cache");
      expect(await originOf(pgdata)).toBe("resumed");
      // Written to a temporary name, then renamed: nothing else is left in the folder.
      expect(await readdir(cacheDir)).toEqual([path.basename(clusterFile(cacheDir))]);
    },
    SLOW,
  );

  it(
    "falls back to initdb when the cached tarball is damaged, and writes it anew",
    async () => {
      await originOf(undefined);
      const good = (await stat(clusterFile(cacheDir))).size;
      const tarball = await readFile(clusterFile(cacheDir));
      await writeFile(clusterFile(cacheDir), tarball.subarray(0, 4096));
      const pgdata = path.join(dir, "data", "pgdata");
      expect(await originOf(pgdata)).toBe("initdb");
      expect((await stat(clusterFile(cacheDir))).size).toBe(good);
      expect(await originOf(pgdata)).toBe("resumed");
      expect(await originOf(undefined)).toBe("cache");
    },
    SLOW,
  );

  it(
    "is what a new database starts from, in memory as on disk, with PGlite's buffers kept small",
    async () => {
      await originOf(undefined);
      // A cached cluster that holds a marker table: a database loaded from it has the table; one
      // initialised anew would not.
      const { db } = await openCluster(undefined, cacheDir);
      await db.exec("CREATE TABLE cached_cluster_marker (id int)");
      const dump = await db.dumpDataDir("none");
      await db.close();
      await writeFile(clusterFile(cacheDir), Buffer.from(await dump.arrayBuffer()));
      for (const pgdata of [undefined, path.join(dir, "data", "pgdata")]) {
        const opened = await openCluster(pgdata, cacheDir);
        try {
          expect(opened.origin).toBe("cache");
          const found = await opened.db.query("SELECT to_regclass('cached_cluster_marker')::text AS marker");
          expect(found.rows).toEqual([{ marker: "cached_cluster_marker" }]);
          const buffers = await opened.db.query("SHOW shared_buffers");
          expect(buffers.rows).toEqual([{ shared_buffers: "16MB" }]);
        } finally {
          await opened.db.close();
        }
      }
    },
    SLOW,
  );

  it("is named by PGlite's version, and found beside the installed PGlite unless REDSHIFT_VIEWS_CACHE_DIR says", async () => {
    const { version } = JSON.parse(
      await readFile(path.resolve("node_modules/@electric-sql/pglite/package.json"), "utf8"),
    ) as { version: string };
    expect(path.basename(clusterFile(cacheDir))).toBe(`pglite-${version}-initdb.tar`);
    expect(defaultCacheDir({})).toMatch(/[/\\]node_modules[/\\]\.cache[/\\]prisma-redshift-views$/);
    expect(defaultCacheDir({ REDSHIFT_VIEWS_CACHE_DIR: cacheDir })).toBe(cacheDir);
  });

  it(
    "is used by startEmulator, and can be turned off",
    async () => {
      const without = await startEmulator({ cacheDir: false });
      await without.stop();
      expect(without.cluster).toBe("initdb");
      expect(existsSync(cacheDir)).toBe(false);
      for (const expected of ["initdb", "cache"]) {
        const emulator = await startEmulator({ cacheDir, dataDir: path.join(dir, expected) });
        try {
          expect(emulator.cluster).toBe(expected);
          expect(await emulator.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
        } finally {
          await emulator.stop();
        }
      }
    },
    SLOW,
  );
});
