import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { RedshiftViewsError } from "../errors.js";
import { DEFAULT_CONCURRENCY } from "../warehouse/index.js";
import { parseConfig } from "./parse-config.js";
import type { LoadedConfig } from "./types.js";

const CONFIG_NAME = "redshift-views";

export interface LoadConfigOptions {
  /** Project root: where the config file is looked for and where `.redshift-views/` lives. */
  readonly cwd: string;
  /** An explicit config file (`--config`); relative paths are resolved against `cwd`. Must exist. */
  readonly configFile?: string;
  /** Variables `resolveTarget` reads `REDSHIFT_*` overrides from; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Finds and evaluates `redshift-views.config.{ts,mts,js,mjs,json,...}` in `cwd` with c12, without
 * c12's extras (rc files, global rc, .env loading, package.json keys, `$env` sections, `extends`):
 * the file is the whole configuration, so what a reviewer reads is what runs.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const projectRoot = path.resolve(options.cwd);
  const explicit =
    options.configFile === undefined ? undefined : path.resolve(projectRoot, options.configFile);
  if (explicit !== undefined && !existsSync(explicit))
    throw new RedshiftViewsError("E_CONFIG_NOT_FOUND", `Config file ${explicit} does not exist.`, {
      location: { file: explicit },
      hint: "Check the --config path, or leave it out to use redshift-views.config.ts in the project root.",
    });

  let loaded: { config: unknown; _configFile?: string | undefined };
  try {
    // c12 and the TypeScript loader it brings (jiti) are loaded only when there is a file they could
    // find: most projects have none, and a short command feels their loading.
    if (explicit === undefined && !mayHoldConfigFile(projectRoot)) loaded = { config: {} };
    else
      loaded = await (await import("c12")).loadConfig({
        name: CONFIG_NAME,
        cwd: projectRoot,
        ...(explicit === undefined ? {} : { configFile: explicit }),
        rcFile: false,
        globalRc: false,
        dotenv: false,
        packageJson: false,
        envName: false,
        extend: false,
        giget: false,
        configFileRequired: explicit !== undefined,
      });
  } catch (error) {
    const file = explicit ?? path.join(projectRoot, `${CONFIG_NAME}.config.*`);
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new RedshiftViewsError("E_CONFIG_LOAD", `Could not load the config file: ${reason}`, {
      location: { file },
      hint: "Fix the syntax error or failing import in the config file (it is evaluated as a module).",
      cause: error,
    });
  }

  const file = loaded._configFile;
  const env = options.env ?? process.env;
  if (file === undefined)
    return {
      file: undefined,
      projectRoot,
      environments: {},
      concurrency: DEFAULT_CONCURRENCY,
      grants: { nonPii: [], pii: [] },
      env,
    };
  const parsed = parseConfig(loaded.config, file);
  return { file, projectRoot, ...parsed, env };
}

/**
 * Whether c12 could find a config file in `projectRoot`: it looks only for `redshift-views.config`
 * (with one of its extensions, or as a folder with an index) there, and for `redshift-views` and
 * `redshift-views.config` in `.config/`.
 */
function mayHoldConfigFile(projectRoot: string): boolean {
  const starting = (dir: string, prefix: string) => {
    try {
      return readdirSync(dir).some((name) => name.startsWith(prefix));
    } catch {
      return false;
    }
  };
  return (
    starting(projectRoot, `${CONFIG_NAME}.config`) || starting(path.join(projectRoot, ".config"), CONFIG_NAME)
  );
}
