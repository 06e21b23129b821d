import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plan, provision, refresh, status } from "../../src/index.js";
import { createWarehouse, statementNamePrefix } from "../../src/warehouse/index.js";
import { MODELS, schema } from "../helpers/index.js";
import {
  countRequests,
  edit,
  FAST_POLL,
  startTestWarehouse,
  statusRows,
  type TestWarehouse,
  viewOids,
} from "../helpers/warehouse.js";

// Redshift's privileges applied to the tool: only a view's owner (or a superuser) may drop, refresh
// or comment on it, and a GRANT to a principal that does not exist fails. The tool refuses the first
// before any DDL and explains the second with the config key to fix.

let harness: TestWarehouse;

beforeAll(async () => {
  harness = await startTestWarehouse();
});
afterAll(async () => {
  await harness?.stop();
});

describe("views owned by another user", () => {
  it("are refused before any DDL by provision and refresh, and status says why it cannot tell staleness", async () => {
    const text = schema(MODELS);
    const project = await harness.project(text);
    const options = await project.options("owned");
    await provision(options); // as awsuser, who then owns every view
    await harness.emulator.seedDeployUser({
      user: "deployer",
      sources: [{ database: "owned_app_zeroetl", schema: "app" }],
    });
    // The tool's own tables were created by awsuser too: a DBA lets the new deploy user use them.
    await harness.emulator.query(`GRANT USAGE ON SCHEMA redshift_views TO deployer;
      GRANT SELECT, INSERT, DELETE ON redshift_views.provision_lock, redshift_views.view_operations TO deployer;`);
    await project.configure({ dbUser: "deployer" });
    const asDeployer = await project.options("owned");
    const before = await viewOids(harness.emulator, "analytics_owned");

    // A change to one view: its rebuild would DROP a view deployer does not own.
    await project.setSchema(
      edit(
        text,
        "  /// @classification public\n  country   String",
        "  /// @classification restricted\n  country   String",
      ),
    );
    const refused = await countRequests(harness.emulator, () =>
      provision(asDeployer).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(refused.value).toMatchObject({
      code: "E_NOT_OWNER",
      message: expect.stringMatching(/owned by another user than deployer.*analytics_owned\.users/s),
      hint: expect.stringContaining("Run as awsuser"),
    });
    // The lock was taken and released, and nothing else but reads was submitted.
    const submitted = (await harness.warehouse.listStatements({ namePrefix: statementNamePrefix("owned") }))
      .slice(0, (refused.calls.ExecuteStatement ?? 0) + (refused.calls.BatchExecuteStatement ?? 0))
      .map((statement) => statement.name?.split(":")[2]);
    expect(new Set(submitted)).toEqual(new Set(["catalog", "lock"]));
    expect(await viewOids(harness.emulator, "analytics_owned")).toEqual(before);

    await expect(refresh({ ...asDeployer, all: true })).rejects.toMatchObject({ code: "E_NOT_OWNER" });

    const rows = await statusRows(asDeployer);
    expect(rows.find((row) => row.schema === "analytics_owned" && row.view === "posts")?.stateText).toBe(
      "unknown: owned by awsuser, and SVV_MV_INFO shows deployer only its own views",
    );
  });
});

describe("a grantee that does not exist", () => {
  it("fails the view's rebuild, which keeps its previous definition, naming the grantee and the config key", async () => {
    const project = await harness.project(schema(MODELS));
    const options = await project.options("ghosts");
    await provision(options);
    const before = await viewOids(harness.emulator, "analytics_ghosts");

    await project.configure({ grants: { nonPii: ["GROUP ghosts"] }, createPrincipals: false });
    const regranted = await project.options("ghosts");
    expect((await plan(regranted)).summary).toMatchObject({ update: 2 });
    const report = await provision(regranted);
    const failures = (report.result?.outcomes ?? []).filter((outcome) => outcome.kind === "failed");
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures)
      expect(failure.kind === "failed" && failure.error).toMatch(
        /GROUP "ghosts", configured in grants\.nonPii: create that group in the warehouse, or take it out of grants\.nonPii/,
      );
    // Nothing was rebuilt: each view is its old relation.
    expect(await viewOids(harness.emulator, "analytics_ghosts")).toEqual(before);
  });
});

/** Whether `user` may SELECT from `relation`, asked as that user through the Data API. */
async function canRead(user: string, relation: string): Promise<boolean> {
  const warehouse = createWarehouse({
    client: harness.client,
    connection: { ClusterIdentifier: "local", DbUser: user, Database: harness.emulator.database },
    poll: FAST_POLL,
  });
  const outcome = await warehouse.execute(`SELECT count(*) FROM ${relation}`);
  if (outcome.kind === "failed" && !/permission denied/.test(outcome.error)) throw new Error(outcome.error);
  return outcome.kind === "finished";
}

describe("who can read the views", () => {
  it("each tier's grantees read their tier and nothing else; status audits it", async () => {
    const project = await harness.project(schema(MODELS), {
      grants: { nonPii: ["GROUP analysts"], pii: ["ROLE pii_readers"] },
    });
    const options = await project.options("tiers");
    await harness.emulator.query(`CREATE USER ana PASSWORD DISABLE; ALTER GROUP analysts ADD USER ana;
      CREATE USER pia PASSWORD DISABLE; GRANT ROLE pii_readers TO pia;
      CREATE USER nobody PASSWORD DISABLE;`);
    expect((await provision(options)).result?.outcomes.every((outcome) => outcome.kind === "applied")).toBe(
      true,
    );

    const relations = [
      "analytics_tiers.users",
      "analytics_tiers.posts",
      "analytics_tiers_pii.users",
      "analytics_tiers_pii.posts",
      '"tiers_app_zeroetl"."app"."users"',
    ];
    const readable = async (user: string) =>
      (
        await Promise.all(
          relations.map(async (relation) => [relation, await canRead(user, relation)] as const),
        )
      )
        .filter(([, ok]) => ok)
        .map(([relation]) => relation);
    expect(await readable("ana")).toEqual(["analytics_tiers.users", "analytics_tiers.posts"]);
    expect(await readable("pia")).toEqual(["analytics_tiers_pii.users", "analytics_tiers_pii.posts"]);
    expect(await readable("nobody")).toEqual([]);

    const audited = await status(options);
    expect(audited.access).toBe("audited");
    expect(audited.views.filter((row) => row.conditions.length > 0)).toEqual([]);

    // A hand-made grant of a PII view to the analysts: status reports it, the plan names what removes it.
    await harness.emulator.query(`GRANT SELECT ON analytics_tiers_pii.users TO GROUP analysts;
      GRANT USAGE ON SCHEMA analytics_tiers_pii TO GROUP analysts;`);
    expect(await canRead("ana", "analytics_tiers_pii.users")).toBe(true);
    const leaked = await status(options);
    expect(
      leaked.views
        .filter((row) => row.conditions.length > 0)
        .map((row) => [`${row.schema}.${row.view}`, row.conditions]),
    ).toEqual([["analytics_tiers_pii.users", ["unexpected_access"]]]);
    const planned = await plan(options);
    expect(planned.access?.find((access) => access.schema === "analytics_tiers_pii")?.revoke).toEqual([
      'GROUP "analysts"',
    ]);
    // Applying takes the schema's USAGE back: the analysts read no PII view again.
    await provision(options);
    expect(await canRead("ana", "analytics_tiers_pii.users")).toBe(false);
    expect((await status(options)).views.filter((row) => row.conditions.length > 0)).toEqual([]);
  });
});
