import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { RedshiftViewsError } from "../errors.js";

interface LockContent {
  readonly pid: number;
  readonly startedAt: string;
}

/**
 * Takes `<dataDir>/emulator.lock` so that two processes never open the same PGlite data folder (it
 * would corrupt it). A lock left by a process that no longer runs is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, "emulator.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx");
      const content: LockContent = { pid: process.pid, startedAt: new Date().toISOString() };
      await handle.writeFile(JSON.stringify(content));
      await handle.close();
      return async () => {
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = await readHolder(file);
      if (holder !== undefined && isAlive(holder.pid)) {
        throw new RedshiftViewsError(
          "E_EMULATOR_LOCKED",
          `The emulator data folder ${dataDir} is in use by process ${holder.pid} (since ${holder.startedAt}).`,
          {
            location: { file: dataDir },
            hint: `Stop the other emulator (process ${holder.pid}) or use another data folder; delete ${file} only if that process is not an emulator.`,
          },
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new RedshiftViewsError("E_EMULATOR_LOCKED", `Could not take the lock ${file}.`, {
    location: { file: dataDir },
    hint: "Another emulator is starting on the same data folder; try again.",
  });
}

async function readHolder(file: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<LockContent>;
    return typeof parsed.pid === "number"
      ? { pid: parsed.pid, startedAt: String(parsed.startedAt) }
      : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
