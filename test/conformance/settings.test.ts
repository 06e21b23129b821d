import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/index.js";
import { redshiftSettings } from "./target.js";

// How `npm run test:redshift` finds its target, and what it does without one.

describe("redshiftSettings", () => {
  it("names what is missing, one thing at a time", () => {
    expect(redshiftSettings({})).toEqual({
      ok: false,
      missing:
        "one of REDSHIFT_VIEWS_TEST_WORKGROUP (serverless) or REDSHIFT_VIEWS_TEST_CLUSTER (provisioned)",
    });
    const both = { REDSHIFT_VIEWS_TEST_WORKGROUP: "wg", REDSHIFT_VIEWS_TEST_CLUSTER: "c" };
    expect(redshiftSettings(both)).toMatchObject({ ok: false });
    expect(redshiftSettings({ REDSHIFT_VIEWS_TEST_WORKGROUP: "wg" })).toEqual({
      ok: false,
      missing: "REDSHIFT_VIEWS_TEST_DATABASE",
    });
    expect(
      redshiftSettings({ REDSHIFT_VIEWS_TEST_WORKGROUP: "wg", REDSHIFT_VIEWS_TEST_DATABASE: "dev" }),
    ).toEqual({
      ok: false,
      missing: "AWS_REGION",
    });
    expect(
      redshiftSettings({
        REDSHIFT_VIEWS_TEST_CLUSTER: "c",
        REDSHIFT_VIEWS_TEST_DATABASE: "dev",
        AWS_REGION: "eu-west-1",
      }),
    ).toMatchObject({ ok: false, missing: expect.stringContaining("REDSHIFT_VIEWS_TEST_DB_USER") });
  });

  it("builds the environment's config entry for a workgroup or a cluster", () => {
    expect(
      redshiftSettings({
        REDSHIFT_VIEWS_TEST_WORKGROUP: "analytics",
        REDSHIFT_VIEWS_TEST_DATABASE: "dev",
        AWS_REGION: "eu-west-1",
      }),
    ).toEqual({
      ok: true,
      database: "dev",
      region: "eu-west-1",
      environment: { workgroupName: "analytics", database: "dev", region: "eu-west-1" },
    });
    expect(
      redshiftSettings({
        REDSHIFT_VIEWS_TEST_CLUSTER: "analytics-prod",
        REDSHIFT_VIEWS_TEST_DATABASE: "dev",
        REDSHIFT_VIEWS_TEST_DB_USER: "deployer",
        AWS_REGION: "eu-west-1",
      }),
    ).toMatchObject({
      ok: true,
      environment: {
        clusterIdentifier: "analytics-prod",
        dbUser: "deployer",
        database: "dev",
        region: "eu-west-1",
      },
    });
  });

  it("npm run test:redshift without a target says what to set and exits 0", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(REPO_ROOT, "scripts/test-redshift.mjs")],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? "" },
      },
    );
    expect(stdout).toContain("No Redshift target is named, so nothing was run.");
    expect(stdout).toContain("REDSHIFT_VIEWS_TEST_WORKGROUP");
    expect(stdout).toContain("docs/real-redshift.md");
  });
});
