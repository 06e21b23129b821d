import fs, { chmod, mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { diffTemplates } from "../../src/files/sync-templates.js";
import { applyFileActions, readTemplateFolder } from "../../src/files/template-folder.js";
import { HEADER_PREFIX } from "../../src/templates/render-view.js";
import { caughtErrors, contents, removeDir, snapshotFolder, tempDir } from "../helpers/index.js";

const owned = (fileName: string, body = "SELECT 1;") => ({
  fileName,
  content: `${HEADER_PREFIX} from model M (prisma/schema.prisma). Do not edit.\n${body}\n`,
});

let dir: string;
beforeEach(async () => {
  dir = await tempDir("folder");
});
afterEach(async () => {
  vi.restoreAllMocks();
  await chmod(dir, 0o755).catch(() => undefined);
  await removeDir(dir);
});

/** Reads the folder, diffs against `desired` and applies: what `generate` does to the disk. */
async function sync(outputDir: string, desired: ReturnType<typeof owned>[]) {
  const actions = diffTemplates(desired, await readTemplateFolder(outputDir), outputDir);
  await applyFileActions(outputDir, actions);
  return actions;
}

describe("readTemplateFolder", () => {
  it("reads only *.sql.ejs files, sorted; a missing folder reads as empty", async () => {
    await writeFile(path.join(dir, "b.sql.ejs"), "b");
    await writeFile(path.join(dir, "a.sql.ejs"), "a");
    await writeFile(path.join(dir, "README.md"), "r");
    expect(await readTemplateFolder(dir)).toEqual([
      { fileName: "a.sql.ejs", content: "a" },
      { fileName: "b.sql.ejs", content: "b" },
    ]);
    expect(await readTemplateFolder(path.join(dir, "missing"))).toEqual([]);
  });

  it("refuses an output path that is a file", async () => {
    const file = path.join(dir, "views");
    await writeFile(file, "not a folder");
    const errors = await caughtErrors(() => readTemplateFolder(file));
    expect(errors.map((error) => [error.code, error.location.file])).toEqual([
      ["E_OUTPUT_NOT_DIRECTORY", file],
    ]);
  });

  it("reports a folder that cannot be reached as unwritable", async () => {
    await writeFile(path.join(dir, "file"), "x");
    const errors = await caughtErrors(() => readTemplateFolder(path.join(dir, "file", "views")));
    expect(errors.map((error) => error.code)).toEqual(["E_OUTPUT_UNWRITABLE"]);
    expect(errors[0]?.hint).toContain("no template was changed");
  });
});

describe("applyFileActions", () => {
  it("creates the folder, writes, updates and prunes only owned stale templates", async () => {
    const out = path.join(dir, "generated-views");
    await sync(out, [owned("a.sql.ejs"), owned("b.sql.ejs"), owned("stale.sql.ejs")]);
    await writeFile(path.join(out, "README.md"), "# Our views\n");
    await writeFile(path.join(out, "manual.sql.ejs"), "-- written by hand\nSELECT 1;\n");
    await writeFile(path.join(out, "notes.txt"), owned("x").content);

    const actions = await sync(out, [owned("a.sql.ejs", "SELECT 2;"), owned("b.sql.ejs")]);
    expect(actions.map((action) => `${action.kind} ${action.fileName}`)).toEqual([
      "update a.sql.ejs",
      "unchanged b.sql.ejs",
      "prune stale.sql.ejs",
    ]);
    expect(contents(await snapshotFolder(out))).toEqual({
      "README.md": "# Our views\n",
      "a.sql.ejs": owned("a.sql.ejs", "SELECT 2;").content,
      "b.sql.ejs": owned("b.sql.ejs").content,
      "manual.sql.ejs": "-- written by hand\nSELECT 1;\n",
      "notes.txt": owned("x").content,
    });
  });

  it("does not touch unchanged files (their mtime stays)", async () => {
    await sync(dir, [owned("a.sql.ejs"), owned("b.sql.ejs")]);
    const old = new Date("2020-01-01T00:00:00Z");
    await fs.utimes(path.join(dir, "a.sql.ejs"), old, old);
    await fs.utimes(path.join(dir, "b.sql.ejs"), old, old);
    const before = await snapshotFolder(dir);

    await sync(dir, [owned("a.sql.ejs"), owned("b.sql.ejs", "SELECT 2;")]);
    const after = await snapshotFolder(dir);
    expect(after["a.sql.ejs"]).toEqual(before["a.sql.ejs"]);
    expect(after["b.sql.ejs"]?.mtimeMs).not.toBe(old.getTime());
  });

  it("does nothing at all when nothing changed, not even create the folder", async () => {
    const out = path.join(dir, "never-created");
    await applyFileActions(out, [{ kind: "unchanged", fileName: "a.sql.ejs" }]);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it("leaves no temporary file and no changed template when a write fails half-way", async () => {
    await sync(dir, [owned("a.sql.ejs"), owned("b.sql.ejs")]);
    const before = await snapshotFolder(dir);
    const realWriteFile = fs.writeFile;
    let calls = 0;
    vi.spyOn(fs, "writeFile").mockImplementation(async (...args: Parameters<typeof fs.writeFile>) => {
      calls++;
      if (calls === 2) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      return realWriteFile(...args);
    });

    const errors = await caughtErrors(() =>
      sync(dir, [owned("a.sql.ejs", "SELECT 2;"), owned("b.sql.ejs", "SELECT 3;"), owned("c.sql.ejs")]),
    );
    expect(errors.map((error) => [error.code, error.location.file])).toEqual([["E_OUTPUT_DISK_FULL", dir]]);
    // Writes are staged in parallel, so all three were attempted; the second one failed.
    expect(calls).toBe(3);
    expect(await snapshotFolder(dir)).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual(["a.sql.ejs", "b.sql.ejs"]);
  });

  it.each(["../escaped.sql.ejs", "sub/x.sql.ejs", "..\\x.sql.ejs", "..", ""])(
    "refuses the file name %j before touching the disk",
    async (fileName) => {
      const out = path.join(dir, "views");
      for (const kind of ["create", "prune"] as const) {
        const action =
          kind === "create" ? { kind, fileName, content: owned("x").content } : { kind, fileName };
        const errors = await caughtErrors(() => applyFileActions(out, [action]));
        expect(errors.map((error) => [error.code, error.location.file])).toEqual([
          ["E_OUTPUT_FILE_NAME_INVALID", out],
        ]);
      }
      expect(await readdir(dir)).toEqual([]);
    },
  );

  it("cleans up temporary files when a rename fails part-way, and says the folder may be partly updated", async () => {
    await sync(dir, [owned("a.sql.ejs"), owned("b.sql.ejs")]);
    const realRename = fs.rename;
    let calls = 0;
    vi.spyOn(fs, "rename").mockImplementation(async (...args: Parameters<typeof fs.rename>) => {
      calls++;
      if (calls === 2) throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
      return realRename(...args);
    });

    const errors = await caughtErrors(() =>
      sync(dir, [owned("a.sql.ejs", "SELECT 2;"), owned("b.sql.ejs", "SELECT 3;"), owned("c.sql.ejs")]),
    );
    expect(errors.map((error) => [error.code, error.location.file])).toEqual([["E_OUTPUT_UNWRITABLE", dir]]);
    expect(errors[0]?.hint).toContain("1 of 3 new templates were already in place");
    expect(errors[0]?.hint).toContain("run the command again");
    // No temporary file is left: a is new, b is old, c was never created.
    expect((await readdir(dir)).sort()).toEqual(["a.sql.ejs", "b.sql.ejs"]);
    const folder = contents(await snapshotFolder(dir));
    expect(folder["a.sql.ejs"]).toBe(owned("a.sql.ejs", "SELECT 2;").content);
    expect(folder["b.sql.ejs"]).toBe(owned("b.sql.ejs").content);
  });

  it("wraps a failing prune in E_OUTPUT_UNWRITABLE", async () => {
    await sync(dir, [owned("a.sql.ejs"), owned("stale.sql.ejs")]);
    vi.spyOn(fs, "rm").mockRejectedValue(Object.assign(new Error("EPERM: not permitted"), { code: "EPERM" }));
    const errors = await caughtErrors(() => sync(dir, [owned("a.sql.ejs")]));
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      ["E_OUTPUT_UNWRITABLE", `Could not prune stale.sql.ejs from ${dir}: EPERM: not permitted`],
    ]);
  });

  it("refuses a read-only folder and changes nothing", async (context) => {
    await sync(dir, [owned("a.sql.ejs")]);
    const before = await snapshotFolder(dir);
    await chmod(dir, 0o555);
    // Root ignores permission bits, so the folder stays writable: nothing to observe there. The
    // "output is a file" and "unreachable folder" cases above cover the refusal for root too.
    if (process.getuid?.() === 0) context.skip();
    const errors = await caughtErrors(() => sync(dir, [owned("a.sql.ejs", "SELECT 2;"), owned("b.sql.ejs")]));
    expect(errors.map((error) => error.code)).toEqual(["E_OUTPUT_UNWRITABLE"]);
    await chmod(dir, 0o755);
    expect(await snapshotFolder(dir)).toEqual(before);
  });

  it("writes into an existing nested folder it had to create", async () => {
    const out = path.join(dir, "a", "b");
    await mkdir(path.join(dir, "a"));
    await sync(out, [owned("x.sql.ejs")]);
    expect(Object.keys(await snapshotFolder(out))).toEqual(["x.sql.ejs"]);
  });
});
