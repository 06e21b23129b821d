import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { ColumnReportRow } from "../../src/report/column-report.js";
import { fakeIo, REPO_ROOT } from "../helpers/index.js";

describe("redshift-views report", () => {
  it("lists every exported column with its level, source and views", async () => {
    const io = fakeIo(REPO_ROOT);
    expect(await runCli(["report", "--format", "json"], io)).toBe(0);
    const { columns } = JSON.parse(io.out.join("\n")) as { columns: ColumnReportRow[] };
    const column = (model: string, field: string) =>
      columns.find((row) => row.model === model && row.field === field);
    expect(column("User", "email")).toMatchObject({
      sourceSchema: "dashboard_<%= environment %>",
      table: "users",
      view: "users",
      column: "email",
      level: "restricted",
      source: "annotated",
      inNonPiiView: false,
      inPiiView: true,
    });
    expect(column("User", "passwordHash")).toMatchObject({
      column: "password_hash",
      inNonPiiView: false,
      inPiiView: false,
    });
    expect(column("User", "createdAt")).toMatchObject({
      column: "created_at",
      level: "public",
      source: "default",
    });
    expect(column("FeatureFlag", "rules")).toMatchObject({ level: "restricted", source: "default" });
    expect(columns.some((row) => row.model === "Session")).toBe(false);
  });

  it("marks defaulted columns in the table and fails with --strict", async () => {
    const io = fakeIo(REPO_ROOT);
    expect(await runCli(["report", "--strict"], io)).toBe(1);
    expect(io.out.join("\n")).toMatch(
      /User\.createdAt\s+dashboard_<%= environment %>\s+created_at\s+DateTime\s+public\s+default ⚠/,
    );
    expect(io.err.join("\n")).toContain("have no /// @classification");
    expect(io.err.join("\n")).toContain("FeatureFlag.rules");
  });

  it("prints Markdown for a pull request", async () => {
    const io = fakeIo(REPO_ROOT);
    expect(await runCli(["report", "--format", "md"], io)).toBe(0);
    expect(io.out.join("\n")).toContain(
      "| User.email | `dashboard_<%= environment %>` | `email` | String | restricted | annotated | PII only |",
    );
  });
});

describe("a source with several schemas", () => {
  const FIXTURE = "test/fixtures/multi-schema/schema.prisma";

  it("report names each column's source schema and view", async () => {
    const io = fakeIo(REPO_ROOT);
    expect(await runCli(["report", "--schema", FIXTURE, "--format", "json"], io)).toBe(0);
    const { columns } = JSON.parse(io.out.join("\n")) as { columns: ColumnReportRow[] };
    expect([
      ...new Set(columns.map((row) => `${row.model} ${row.sourceSchema}.${row.table} → ${row.view}`)),
    ]).toEqual([
      "User public.users → users",
      "AuthUser auth.users → auth_users",
      "Invoice billing.invoices → billing_invoices",
    ]);
    const table = fakeIo(REPO_ROOT);
    expect(await runCli(["report", "--schema", FIXTURE], table)).toBe(0);
    expect(table.out.join("\n")).toMatch(
      /AuthUser\.passwordHash\s+auth\s+password_hash\s+String\s+highly_restricted/,
    );
  });
});
