import type { ResolvedTarget } from "./types.js";

/**
 * The name part of a Secrets Manager ARN (`…:secret:<name>`), which identifies the secret without
 * revealing the account; anything else is masked entirely.
 */
function secretLabel(secretArn: string): string {
  const marker = ":secret:";
  const at = secretArn.indexOf(marker);
  return at === -1 ? "****" : secretArn.slice(at + marker.length);
}

/** One line saying where an environment's statements go; safe to print (no secret values). */
export function describeTarget(target: ResolvedTarget): string {
  switch (target.kind) {
    case "local":
      return `${target.environment}: local emulator (state in ${target.dataDir})`;
    case "cluster": {
      const auth =
        target.secretArn !== undefined
          ? `secret "${secretLabel(target.secretArn)}"`
          : `database user "${target.dbUser ?? ""}"`;
      return `${target.environment}: Redshift cluster "${target.clusterIdentifier}" in ${target.region}, database "${target.database}", ${auth}${overrides(target.overriddenBy)}`;
    }
    case "serverless": {
      const auth =
        target.secretArn !== undefined ? `secret "${secretLabel(target.secretArn)}"` : "IAM credentials";
      return `${target.environment}: Redshift Serverless workgroup "${target.workgroupName}" in ${target.region}, database "${target.database}", ${auth}${overrides(target.overriddenBy)}`;
    }
  }
}

function overrides(names: readonly string[]): string {
  return names.length === 0 ? "" : ` (from ${names.join(", ")})`;
}
