import type { ResolvedTarget } from "../config/index.js";
import type { ConnectionFields } from "../warehouse/index.js";

/** The cluster name sent to the local emulator, which serves a single warehouse. */
export const LOCAL_CLUSTER = "redshift-views-local";

/**
 * The database user the local target connects as: not a superuser, as a deploy user on Redshift
 * should not be (see `seedLocalWarehouse`).
 */
export const LOCAL_DEPLOY_USER = "deployer";

export function connectionFields(target: ResolvedTarget): ConnectionFields {
  switch (target.kind) {
    case "local":
      return { ClusterIdentifier: LOCAL_CLUSTER, DbUser: LOCAL_DEPLOY_USER, Database: target.database };
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
