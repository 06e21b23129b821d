#!/usr/bin/env node
// `npm run test:redshift`: the conformance scenarios (test/conformance/) against a real Redshift
// cluster or serverless workgroup. Without the variables that name one, it says what to set and
// exits 0, so the script is safe to run anywhere; with wrong ones, the scenarios fail with the
// tool's own error (unknown workgroup, refused credentials, missing privileges).
import { spawnSync } from "node:child_process";

const env = process.env;
const set = (name) => env[name] !== undefined && env[name] !== "";
if (
  !(set("REDSHIFT_VIEWS_TEST_WORKGROUP") || set("REDSHIFT_VIEWS_TEST_CLUSTER")) ||
  !set("REDSHIFT_VIEWS_TEST_DATABASE")
) {
  console.log(`No Redshift target is named, so nothing was run. To check the tool against a real warehouse, set:

  REDSHIFT_VIEWS_TEST_WORKGROUP=<serverless workgroup>   or   REDSHIFT_VIEWS_TEST_CLUSTER=<cluster id>
  REDSHIFT_VIEWS_TEST_DATABASE=<database>
  REDSHIFT_VIEWS_TEST_DB_USER=<user>  or  REDSHIFT_VIEWS_TEST_SECRET_ARN=<arn>   (a cluster needs one)
  AWS_REGION=<region>, and AWS credentials (AWS_PROFILE, SSO, …)

Then run npm run test:redshift again. docs/real-redshift.md says what it creates, how it cleans up,
and the IAM and SQL privileges it needs.`);
  process.exit(0);
}
const result = spawnSync("npx", ["vitest", "run", "--config", "vitest.redshift.config.ts"], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
