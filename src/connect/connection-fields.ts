import type { ResolvedTarget } from "../config/index.js";
import type { ConnectionFields } from "../warehouse/index.js";

/** The workgroup name sent to the local emulator, which serves a single database. */
export const LOCAL_WORKGROUP = "redshift-views-local";

export function connectionFields(target: ResolvedTarget): ConnectionFields {
  switch (target.kind) {
    case "local":
      return { WorkgroupName: LOCAL_WORKGROUP, Database: target.database };
    case "cluster":
      return {
        ClusterIdentifier: target.clusterIdentifier,
        Database: target.database,
        ...(target.dbUser === undefined ? {} : { DbUser: target.dbUser }),
        ...(target.secretArn === undefined ? {} : { SecretArn: target.secretArn }),
      };
    case "serverless":
      return {
        WorkgroupName: target.workgroupName,
        Database: target.database,
        ...(target.secretArn === undefined ? {} : { SecretArn: target.secretArn }),
      };
  }
}
