import type { Principal } from "../sql/statement.js";

/** A principal that is granted SELECT on the views of a tier. */
export type Grantee = Principal;

/** Parsed grants for both tiers. */
export interface Grants {
  readonly nonPii: readonly Grantee[];
  readonly pii: readonly Grantee[];
}

/** Per-tier grant overrides of one environment (a tier left out inherits the defaults). */
export interface GrantOverrides {
  readonly nonPii?: readonly Grantee[];
  readonly pii?: readonly Grantee[];
}

/**
 * One environment as validated from the file. Redshift connection fields may still be missing here:
 * `REDSHIFT_*` variables can supply them, so completeness is checked by `resolveTarget`.
 */
export type ParsedEnvironment =
  | { readonly target: "local"; readonly grants: GrantOverrides }
  | {
      readonly target: "redshift";
      readonly database?: string;
      readonly region?: string;
      readonly clusterIdentifier?: string;
      readonly workgroupName?: string;
      readonly dbUser?: string;
      readonly secretArn?: string;
      readonly grants: GrantOverrides;
    };

/** The result of `loadConfig`: validated and with defaults applied. */
export interface LoadedConfig {
  /** Absolute path of the config file used, or undefined when there is none (everything is local). */
  readonly file: string | undefined;
  /** Where `.redshift-views/` lives (the `cwd` given to `loadConfig`). */
  readonly projectRoot: string;
  readonly environments: Readonly<Record<string, ParsedEnvironment>>;
  readonly concurrency: number;
  readonly grants: Grants;
  /** `metrics.namespace`, when set. */
  readonly metricsNamespace?: string;
  /** The variables `resolveTarget` reads overrides from, unless it is given others. */
  readonly env: NodeJS.ProcessEnv;
}

/** Where statements for one environment go, with every value needed to connect. */
export type ResolvedTarget =
  | {
      readonly kind: "local";
      readonly environment: string;
      /** `<projectRoot>/.redshift-views/<environment>` */
      readonly dataDir: string;
      readonly database: "dev";
      readonly grants: Grants;
    }
  | {
      readonly kind: "cluster";
      readonly environment: string;
      readonly clusterIdentifier: string;
      readonly dbUser?: string;
      readonly secretArn?: string;
      readonly database: string;
      readonly region: string;
      readonly grants: Grants;
      /** Names of the environment variables that overrode the file. */
      readonly overriddenBy: readonly string[];
    }
  | {
      readonly kind: "serverless";
      readonly environment: string;
      readonly workgroupName: string;
      readonly secretArn?: string;
      readonly database: string;
      readonly region: string;
      readonly grants: Grants;
      readonly overriddenBy: readonly string[];
    };
