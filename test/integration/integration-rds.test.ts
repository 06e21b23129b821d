import { RDSClient } from "@aws-sdk/client-rds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDataFilter } from "../../src/integration/apply-data-filter.js";
import { planDataFilter } from "../../src/integration/plan-data-filter.js";
import { readIntegration } from "../../src/integration/read-integration.js";
import { FAKE_CREDENTIALS } from "../fakes/http-server.js";
import { type FakeIntegration, fakeIntegration, type RdsFake, startRdsFake } from "../fakes/rds-fake.js";
import { rejection } from "./errors.js";

const ARN = "arn:aws:rds:eu-west-1:123456789012:integration:11111111-2222-3333-4444-555555555555";
const OTHER_ARN = "arn:aws:rds:eu-west-1:123456789012:integration:66666666-7777-8888-9999-000000000000";

let fake: RdsFake;
let client: RDSClient;
let integration: FakeIntegration;

beforeAll(async () => {
  integration = fakeIntegration({
    arn: ARN,
    dataFilter: "include: app.users, include: app.password_resets, include: billing.*",
  });
  fake = await startRdsFake({
    integrations: [integration, fakeIntegration({ arn: OTHER_ARN, name: "other" })],
  });
  client = new RDSClient({
    endpoint: fake.endpoint,
    region: "eu-west-1",
    credentials: FAKE_CREDENTIALS,
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await fake.close();
});

describe("the data filter through the RDS API (local fake, real SDK client)", () => {
  it("reads the integration, plans, and applies exactly the planned filter", async () => {
    const current = await readIntegration(client, ARN);
    expect(current).toEqual({
      arn: ARN,
      name: "app-to-analytics",
      status: "active",
      dataFilter: "include: app.users, include: app.password_resets, include: billing.*",
      sourceArn: integration.sourceArn,
      targetArn: integration.targetArn,
    });

    const plan = planDataFilter({
      current: current.dataFilter,
      exported: [
        ["app", "users"],
        ["app", "posts"],
      ],
      declared: [["app", "password_resets"]],
    });
    expect(plan.kind).toBe("update");
    const applied = await applyDataFilter(client, ARN, plan.next);

    // What the service received: one ModifyIntegration with the new filter, form-encoded.
    expect(fake.modifications()).toEqual([
      { identifier: ARN, dataFilter: "include: app.posts, include: app.users, include: billing.*" },
    ]);
    const call = fake.calls.find((entry) => entry.action === "ModifyIntegration");
    expect(call?.params).toEqual({
      Action: "ModifyIntegration",
      Version: "2014-10-31",
      IntegrationIdentifier: ARN,
      DataFilter: "include: app.posts, include: app.users, include: billing.*",
    });
    expect(applied).toMatchObject({ arn: ARN, status: "modifying", dataFilter: plan.next });
    expect(fake.integration(ARN)?.dataFilter).toBe(plan.next);

    // While zero-ETL applies it, the integration refuses another change; once active, the plan is empty.
    const busy = await rejection(applyDataFilter(client, ARN, plan.next));
    expect(busy.code).toBe("E_INTEGRATION_BUSY");
    fake.settle(ARN);
    const again = planDataFilter({
      current: (await readIntegration(client, ARN)).dataFilter,
      exported: [
        ["app", "users"],
        ["app", "posts"],
      ],
      declared: [["app", "password_resets"]],
    });
    expect(again.kind).toBe("unchanged");
  });

  it("reads an integration without a filter as an empty one", async () => {
    expect((await readIntegration(client, OTHER_ARN)).dataFilter).toBe("");
  });

  it("says clearly when the integration does not exist", async () => {
    const missing = "arn:aws:rds:eu-west-1:123456789012:integration:00000000-0000-0000-0000-000000000000";
    const error = await rejection(readIntegration(client, missing));
    expect(error.code).toBe("E_INTEGRATION_NOT_FOUND");
    expect(error.message).toContain(missing);
    expect((await rejection(applyDataFilter(client, missing, "include: app.users"))).code).toBe(
      "E_INTEGRATION_NOT_FOUND",
    );
  });

  it("names the missing permission when AWS answers AccessDenied", async () => {
    fake.denyAccess("DescribeIntegrations");
    const read = await rejection(readIntegration(client, ARN));
    expect(read.code).toBe("E_INTEGRATION_READ");
    expect(read.hint).toContain("rds:DescribeIntegrations");
    expect(read.message).toContain("AccessDenied (HTTP 403)");

    fake.denyAccess("ModifyIntegration");
    const modify = await rejection(applyDataFilter(client, OTHER_ARN, "include: app.users"));
    expect(modify.code).toBe("E_INTEGRATION_MODIFY");
    expect(modify.hint).toContain("rds:ModifyIntegration");
    fake.denyAccess(null);
  });

  it("refuses a filter over the limits before calling the service", async () => {
    const calls = fake.calls.length;
    const tooMany = Array.from({ length: 100 }, (_, index) => `include: app.t${index}`).join(", ");
    expect((await rejection(applyDataFilter(client, OTHER_ARN, tooMany))).code).toBe("E_DATA_FILTER_LIMIT");
    expect((await rejection(applyDataFilter(client, OTHER_ARN, ""))).code).toBe("E_DATA_FILTER_LIMIT");
    expect(fake.calls.length).toBe(calls);
  });
});
