import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { assertEnvironmentName } from "../../src/config/index.js";
import { RedshiftViewsError } from "../../src/errors.js";
import { hashDdl, renderTemplate, stripHeader } from "../../src/templates/render-template.js";
import { renderViewDdl, renderViewTemplate } from "../../src/templates/render-view.js";
import type { ViewSpec } from "../../src/views/view-spec.js";

const spec: ViewSpec = {
  tier: "non_pii",
  model: "User",
  sourceFile: "prisma/schema.prisma",
  view: "users",
  fileName: "users.sql.ejs",
  viewSchema: "analytics_<%= environment %>",
  source: { database: "<%= environment %>_app_zeroetl", schema: "app", table: "users" },
  columns: ["id", "country"],
  comments: [],
  distKey: "id",
};

describe("renderTemplate", () => {
  it("fills every placeholder with the environment and leaves nothing of EJS behind", () => {
    const rendered = renderTemplate(renderViewTemplate(spec), "production");
    expect(rendered).not.toContain("<%");
    expect(rendered).toContain('CREATE MATERIALIZED VIEW "analytics_production"."users"');
    expect(rendered).toContain('FROM "production_app_zeroetl"."app"."users";');
  });

  it.each(["Prod", "a-b", "x; drop", "", "1st", "prod ", 'prod"', "prød"])(
    "refuses the environment name %j",
    (environment) => {
      expect(() => renderTemplate(renderViewTemplate(spec), environment)).toThrowError(
        expect.objectContaining({ code: "E_ENVIRONMENT_INVALID" }),
      );
    },
  );

  it.each(["production", "dev", "staging_2", "a"])("accepts the environment name %j", (environment) => {
    expect(() => assertEnvironmentName(environment)).not.toThrow();
  });

  it.each([
    "<%= schema %>",
    "<%= process.pid %>",
    "<%= globalThis.constructor.name %>",
    "<% environment = 'x' %><%= environment %>",
    "<%- environment %>",
  ])("fails on a template that uses anything but the placeholder: %s", (tag) => {
    expect(() => renderTemplate(`SELECT 1 FROM ${tag};\n`, "production")).toThrow();
  });

  it("refuses with the package's error and a hint", () => {
    try {
      renderTemplate("<%= schema %>", "production");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RedshiftViewsError);
      expect((error as RedshiftViewsError).code).toBe("E_TEMPLATE_INVALID");
    }
  });
});

describe("hashDdl", () => {
  it("is the SHA-256 of the rendered DDL without the header", () => {
    const rendered = renderTemplate(renderViewTemplate(spec), "production");
    const ddl = `${renderTemplate(renderViewDdl(spec), "production")}\n`;
    expect(stripHeader(rendered)).toBe(ddl);
    expect(hashDdl(rendered)).toBe(createHash("sha256").update(ddl).digest("hex"));
    expect(hashDdl(rendered)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("does not change when only the header changes (model renamed, file moved)", () => {
    const original = renderTemplate(renderViewTemplate(spec), "production");
    const renamed = renderTemplate(
      renderViewTemplate({ ...spec, model: "Account", sourceFile: "prisma/schema/account.prisma" }),
      "production",
    );
    expect(renamed).not.toBe(original);
    expect(hashDdl(renamed)).toBe(hashDdl(original));
  });

  it("changes with the DDL: a column, the environment, the distribution", () => {
    const base = hashDdl(renderTemplate(renderViewTemplate(spec), "production"));
    expect(hashDdl(renderTemplate(renderViewTemplate({ ...spec, columns: ["id"] }), "production"))).not.toBe(
      base,
    );
    expect(hashDdl(renderTemplate(renderViewTemplate(spec), "staging"))).not.toBe(base);
    expect(hashDdl(renderTemplate(renderViewTemplate({ ...spec, distKey: null }), "production"))).not.toBe(
      base,
    );
  });

  it("hashes SQL without a header as it is", () => {
    expect(stripHeader("SELECT 1;\n")).toBe("SELECT 1;\n");
    expect(hashDdl("SELECT 1;\n")).toBe(createHash("sha256").update("SELECT 1;\n").digest("hex"));
  });
});
