import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { cacheDirBeside } from "../cache/cache-dir.js";

/** How a database was opened: an existing data folder, a copy of the cached cluster, or a new `initdb`. */
export type ClusterOrigin = "resumed" | "cache" | "initdb";

export interface OpenedCluster {
  readonly db: PGlite;
  readonly origin: ClusterOrigin;
}

/**
 * Opens PGlite on `pgdata` (or in memory). `initdb` costs seconds at every new database, and every
 * new database starts from the same freshly initialised cluster; so that cluster is kept once, as
 * PGlite's own data-folder tarball (`dumpDataDir`), in `cacheDir`, under a name that holds PGlite's
 * version, and new databases are loaded from it (`loadDataDir`). A missing, unreadable or damaged
 * tarball is never an error: the database is initialised as PGlite would, and the tarball written
 * anew. It is written to a unique temporary name and renamed into place, so processes starting at
 * once never see half a file.
 */
export async function openCluster(
  pgdata: string | undefined,
  cacheDir: string | undefined,
): Promise<OpenedCluster> {
  if (pgdata !== undefined && existsSync(path.join(pgdata, "PG_VERSION"))) {
    const db = new PGlite(pgliteOptions(pgdata));
    await db.waitReady;
    return { db, origin: "resumed" };
  }
  // PGlite creates the data folder itself, but not its parents.
  if (pgdata !== undefined) await mkdir(path.dirname(pgdata), { recursive: true });
  const file = cacheDir === undefined ? undefined : clusterFile(cacheDir);
  const template = file === undefined ? undefined : await readFile(file).catch(() => undefined);
  if (file !== undefined && template !== undefined) {
    const existed = pgdata !== undefined && existsSync(pgdata);
    const db = new PGlite(pgliteOptions(pgdata, new Blob([template])));
    try {
      await db.waitReady;
      return { db, origin: "cache" };
    } catch {
      await db.close().catch(() => undefined);
      // What the damaged tarball left behind; the folder held no cluster (no PG_VERSION) before.
      if (pgdata !== undefined && !existed) await rm(pgdata, { recursive: true, force: true });
      await rm(file, { force: true });
    }
  }
  const db = new PGlite(pgliteOptions(pgdata));
  await db.waitReady;
  if (file !== undefined) await saveCluster(db, file).catch(() => undefined);
  return { db, origin: "initdb" };
}

/**
 * Postgres's buffer pool is zeroed at every start: PGlite's default, 128MB, costs about half a second
 * of each start, while the emulator's databases (catalogs and small source tables) fit in a few
 * megabytes. A performance setting only: it changes nothing Redshift users can observe.
 */
const SHARED_BUFFERS = "shared_buffers=16MB";

/**
 * Every option travels in the one options object: PGlite reads the second argument only when the
 * first is a data folder's path, so `new PGlite(undefined, { loadDataDir })` would silently run
 * `initdb` for an in-memory database.
 */
function pgliteOptions(pgdata: string | undefined, loadDataDir?: Blob): PGliteOptions {
  return {
    ...(pgdata === undefined ? {} : { dataDir: pgdata }),
    ...(loadDataDir === undefined ? {} : { loadDataDir }),
    startParams: [...PGlite.defaultStartParams, "-c", SHARED_BUFFERS],
  };
}

/** The tarball's name: a cluster written by one PGlite version is not loaded by another. */
export function clusterFile(cacheDir: string): string {
  return path.join(cacheDir, `pglite-${pgliteVersion()}-initdb.tar`);
}

/**
 * `REDSHIFT_VIEWS_CACHE_DIR`, else `node_modules/.cache/prisma-redshift-views` beside the PGlite that
 * runs (the convention of other tools' caches, removed with `node_modules`). Undefined when PGlite is
 * not installed under a `node_modules` folder: no cache then.
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return cacheDirBeside("@electric-sql/pglite", env);
}

/** Dumped right after `initdb`, before the emulator creates anything in it. */
async function saveCluster(db: PGlite, file: string): Promise<void> {
  const dump = await db.dumpDataDir("none");
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}-${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, Buffer.from(await dump.arrayBuffer()));
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}

let version: string | undefined;

function pgliteVersion(): string {
  if (version !== undefined) return version;
  const entry = pgliteEntry();
  // dist/index.cjs → the package folder.
  const manifest = path.join(path.dirname(path.dirname(entry)), "package.json");
  version = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  return version;
}

function pgliteEntry(): string {
  return createRequire(import.meta.url).resolve("@electric-sql/pglite");
}
