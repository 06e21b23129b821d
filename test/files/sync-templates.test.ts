import { describe, expect, it } from "vitest";
import { countActions, diffTemplates, isOwnedTemplate } from "../../src/files/sync-templates.js";
import { HEADER_PREFIX } from "../../src/templates/render-view.js";
import { caughtErrors } from "../helpers/index.js";

const owned = (fileName: string, body = "SELECT 1;") => ({
  fileName,
  content: `${HEADER_PREFIX} from model M (prisma/schema.prisma). Do not edit.\n${body}\n`,
});

describe("isOwnedTemplate", () => {
  it("owns only *.sql.ejs files that start with the generated header", () => {
    expect(isOwnedTemplate(owned("a.sql.ejs"))).toBe(true);
    expect(isOwnedTemplate({ fileName: "a.sql.ejs", content: "-- hand written\nSELECT 1;\n" })).toBe(false);
    expect(isOwnedTemplate({ fileName: "README.md", content: owned("x").content })).toBe(false);
    expect(isOwnedTemplate({ fileName: "a.sql", content: owned("x").content })).toBe(false);
  });
});

describe("diffTemplates", () => {
  it("creates, updates, keeps and prunes, sorted by file name", () => {
    const actions = diffTemplates(
      [owned("b.sql.ejs"), owned("a.sql.ejs", "SELECT 2;"), owned("c.sql.ejs")],
      [owned("a.sql.ejs"), owned("b.sql.ejs"), owned("stale.sql.ejs"), owned("0old_pii.sql.ejs")],
      "/out",
    );
    expect(actions.map((action) => [action.kind, action.fileName])).toEqual([
      ["prune", "0old_pii.sql.ejs"],
      ["update", "a.sql.ejs"],
      ["unchanged", "b.sql.ejs"],
      ["create", "c.sql.ejs"],
      ["prune", "stale.sql.ejs"],
    ]);
    expect(countActions(actions)).toEqual({ create: 1, update: 1, unchanged: 1, prune: 2 });
  });

  it("never prunes foreign files, even *.sql.ejs ones without the header", () => {
    const actions = diffTemplates(
      [owned("a.sql.ejs")],
      [
        owned("a.sql.ejs"),
        { fileName: "manual.sql.ejs", content: "-- written by a person\nSELECT 1;\n" },
        { fileName: "README.md", content: "# Views\n" },
      ],
      "/out",
    );
    expect(actions).toEqual([{ kind: "unchanged", fileName: "a.sql.ejs" }]);
  });

  it("refuses to overwrite a foreign file where a template must go, naming every one", async () => {
    const errors = await caughtErrors(() =>
      diffTemplates(
        [owned("a.sql.ejs"), owned("b.sql.ejs"), owned("c.sql.ejs")],
        [
          { fileName: "a.sql.ejs", content: "-- mine\n" },
          { fileName: "c.sql.ejs", content: "" },
        ],
        "/out",
      ),
    );
    expect(errors.map((error) => [error.code, error.location])).toEqual([
      ["E_OUTPUT_FOREIGN_FILE", { file: "/out" }],
    ]);
    expect(errors[0]?.message).toContain("a.sql.ejs, c.sql.ejs");
  });
});
