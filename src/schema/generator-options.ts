import path from "node:path";
import type { GeneratorConfig } from "@prisma/generator-helper";
import { ENVIRONMENT_NAME_MAX_LENGTH } from "../environment/environment-name.js";
import { PLACEHOLDER } from "../environment/placeholder.js";
import { RedshiftViewsError, RedshiftViewsErrors } from "../errors.js";
import { MAX_IDENTIFIER_BYTES } from "../sql/quote.js";
import { closest } from "../text/suggest.js";

const PACKAGE_NAME = "prisma-redshift-views";

/**
 * Where zero-ETL replicated the tables: the destination database and, in the two-part form, the one
 * schema every exported table is in. `schema` is undefined when `sourceSchema` names the database
 * alone: each model is then read from the schema its `@@schema` names (else `public`), which is how
 * zero-ETL replicates a PostgreSQL database with several schemas. Names may contain the placeholder.
 */
interface SourceSchemaOption {
  readonly database: string;
  readonly schema: string | undefined;
}

/**
 * How views are named. `table`: after their table. `schema_prefixed`: tables outside the default
 * schema (`public`) get `<schema>_<table>`, so same-named tables of several schemas can all be exported.
 */
const VIEW_NAMINGS = ["table", "schema_prefixed"] as const;
export type ViewNaming = (typeof VIEW_NAMINGS)[number];

/** The generator block's settings, parsed once at the edge into types. */
export interface ViewsOptions {
  /** Absolute folder the templates are written to. */
  readonly outputDir: string;
  /** Schema of the non-PII views; may contain the environment placeholder. */
  readonly viewSchema: string;
  /** Schema of the PII views; may contain the environment placeholder. */
  readonly piiViewSchema: string;
  readonly sourceSchema: SourceSchemaOption;
  readonly viewNaming: ViewNaming;
  /**
   * Which project the views belong to, stored in each view's marker: views of another project in
   * the same schemas are never dropped, refreshed or counted as orphans.
   */
  readonly project: string;
}

/** What the generator block is read against: where it is (for messages) and the datasource's provider. */
export interface GeneratorBlockContext {
  readonly file: string;
  readonly generator: string;
  /** `postgresql`, `mysql`, …; undefined without a datasource block. */
  readonly provider?: string | undefined;
  /** The `name` in the project's package.json: the default `project`. */
  readonly packageName?: string | undefined;
}

/** A project id: printable, no spaces (it is one word of the marker), at most 100 characters. */
const PROJECT_PATTERN = /^[A-Za-z0-9@][A-Za-z0-9._@/-]{0,99}$/;

export const DEFAULT_OUTPUT = "../generated-views";
const DEFAULT_VIEW_SCHEMA = `analytics_${PLACEHOLDER}`;
const DEFAULT_PII_VIEW_SCHEMA = `analytics_${PLACEHOLDER}_pii`;

const KEYS = ["viewSchema", "piiViewSchema", "sourceSchema", "viewNaming", "project"] as const;
const NAME_PART = /^[A-Za-z_][A-Za-z0-9_$]*$/;
/** `"<database>"` or `"<database>"."<schema>"`, each part quoted or bare. */
const SOURCE_SCHEMA = /^(?:"([^"]+)"|([^".]+))(?:\.(?:"([^"]+)"|([^".]+)))?$/;
/** Zero-ETL keeps a PostgreSQL source's schemas as schemas of the destination database. */
const POSTGRES_PROVIDERS: readonly (string | undefined)[] = ["postgresql", "postgres"];
const SNIPPET = `generator views {\n  provider     = "${PACKAGE_NAME}"\n  sourceSchema = "\\"<database>\\".\\"<schema>\\""\n}`;

/** Our generator block: the one named by `--generator`, else the one whose provider runs this package. */
export function findGeneratorBlock(
  generators: readonly GeneratorConfig[],
  file: string,
  name?: string,
): GeneratorConfig {
  if (name !== undefined) {
    const named = generators.find((generator) => generator.name === name);
    if (named !== undefined) return named;
    throw new RedshiftViewsError("E_GENERATOR_NOT_FOUND", `There is no generator block named "${name}".`, {
      location: { file },
      hint: `Use one of: ${generators.map((generator) => generator.name).join(", ") || "(none)"}, or leave --generator out.`,
    });
  }
  const ours = generators.filter((generator) => generator.provider.value?.includes(PACKAGE_NAME));
  const [only, ...others] = ours;
  if (only === undefined) {
    throw new RedshiftViewsError("E_GENERATOR_NOT_FOUND", `No generator block uses ${PACKAGE_NAME}.`, {
      location: { file },
      hint: `Add one to the schema:\n${SNIPPET}`,
    });
  }
  if (others.length > 0) {
    throw new RedshiftViewsError(
      "E_GENERATOR_AMBIGUOUS",
      `Several generator blocks use ${PACKAGE_NAME}: ${ours.map((generator) => generator.name).join(", ")}.`,
      { location: { file }, hint: "Choose one with --generator <name>." },
    );
  }
  return only;
}

/**
 * Turns the block's string settings into options. Every problem is reported at once; unknown keys
 * are errors so that a typo (`viewSchemas`) cannot silently fall back to a default.
 */
export function parseGeneratorOptions(
  config: Readonly<Record<string, string | string[] | undefined>>,
  outputDir: string,
  context: GeneratorBlockContext,
): ViewsOptions {
  const errors: RedshiftViewsError[] = [];
  const at = { file: context.file, model: `generator ${context.generator}` };
  for (const key of Object.keys(config)) {
    if ((KEYS as readonly string[]).includes(key)) continue;
    const suggestion = closest(key, KEYS, 3);
    errors.push(
      new RedshiftViewsError("E_GENERATOR_CONFIG_UNKNOWN_KEY", `Unknown setting "${key}".`, {
        location: at,
        hint:
          suggestion === undefined
            ? `Settings are output, ${KEYS.join(", ")}; remove "${key}".`
            : `Did you mean "${suggestion}"?`,
      }),
    );
  }
  const text = (key: (typeof KEYS)[number], fallback: string | undefined): string | undefined => {
    const value = config[key];
    if (Array.isArray(value)) {
      errors.push(
        new RedshiftViewsError("E_GENERATOR_CONFIG_INVALID", `"${key}" must be a string, not a list.`, {
          location: at,
          hint: `Write ${key} = "…".`,
        }),
      );
      return undefined;
    }
    return value ?? fallback;
  };
  const schemaName = (key: "viewSchema" | "piiViewSchema", fallback: string): string => {
    const value = text(key, fallback) ?? fallback;
    const problem = checkNamePart(value);
    if (problem !== undefined) {
      errors.push(
        new RedshiftViewsError("E_GENERATOR_CONFIG_INVALID", `"${key}" = "${value}" ${problem}.`, {
          location: at,
          hint: `Use letters, digits and underscores, with ${PLACEHOLDER} where the environment name goes (default "${fallback}").`,
        }),
      );
    }
    return value;
  };
  const viewSchema = schemaName("viewSchema", DEFAULT_VIEW_SCHEMA);
  const piiViewSchema = schemaName("piiViewSchema", DEFAULT_PII_VIEW_SCHEMA);
  if (viewSchema === piiViewSchema) {
    errors.push(
      new RedshiftViewsError(
        "E_GENERATOR_CONFIG_INVALID",
        `viewSchema and piiViewSchema are both "${viewSchema}".`,
        {
          location: at,
          hint: "The PII views must live in their own schema so access can be granted separately.",
        },
      ),
    );
  }
  const sourceSchema = parseSourceSchema(text("sourceSchema", undefined), context.provider, at, errors);
  const viewNaming = parseViewNaming(text("viewNaming", "table"), at, errors);
  const project = parseProject(text("project", context.packageName), at, errors);
  if (errors.length > 0) throw new RedshiftViewsErrors(errors);
  if (sourceSchema === undefined || viewNaming === undefined || project === undefined)
    throw new Error("unreachable: sourceSchema, viewNaming and project errors are collected above");
  return { outputDir, viewSchema, piiViewSchema, sourceSchema, viewNaming, project };
}

function parseProject(
  value: string | undefined,
  at: { file: string; model: string },
  errors: RedshiftViewsError[],
): string | undefined {
  if (value !== undefined && PROJECT_PATTERN.test(value)) return value;
  errors.push(
    new RedshiftViewsError(
      "E_GENERATOR_PROJECT_INVALID",
      value === undefined
        ? "The generator block has no project, and the project's package.json has no name to default to."
        : `project = "${value}" is not a project id (letters, digits, . _ @ / -, no spaces, at most 100 characters).`,
      {
        location: at,
        hint: 'Set project = "<id>" in the generator block: a name for this application, the same in every environment. Each view records it, so that projects sharing a schema never drop each other\'s views.',
      },
    ),
  );
  return undefined;
}

function parseViewNaming(
  value: string | undefined,
  at: { file: string; model: string },
  errors: RedshiftViewsError[],
): ViewNaming | undefined {
  const naming = VIEW_NAMINGS.find((candidate) => candidate === value);
  if (naming !== undefined || value === undefined) return naming;
  const suggestion = closest(value, VIEW_NAMINGS, 4);
  errors.push(
    new RedshiftViewsError(
      "E_GENERATOR_CONFIG_INVALID",
      `viewNaming = "${value}" is not one of ${VIEW_NAMINGS.map((name) => `"${name}"`).join(", ")}.`,
      {
        location: at,
        hint: `${suggestion === undefined ? "" : `Did you mean "${suggestion}"? `}"table" (the default) names views after their table; "schema_prefixed" names views of tables outside public <schema>_<table>.`,
      },
    ),
  );
  return undefined;
}

function parseSourceSchema(
  value: string | undefined,
  provider: string | undefined,
  at: { file: string; model: string },
  errors: RedshiftViewsError[],
): SourceSchemaOption | undefined {
  const example = `sourceSchema = "\\"${PLACEHOLDER}_app_zeroetl\\".\\"app\\""`;
  if (value === undefined) {
    errors.push(
      new RedshiftViewsError(
        "E_GENERATOR_SOURCE_SCHEMA_MISSING",
        "The generator block has no sourceSchema.",
        {
          location: at,
          hint: `Name the zero-ETL database and schema the replicated tables are in, e.g. ${example} (or, for a PostgreSQL source with several schemas, the database alone).`,
        },
      ),
    );
    return undefined;
  }
  const match = SOURCE_SCHEMA.exec(value.trim());
  const database = match?.[1] ?? match?.[2];
  const schema = match?.[3] ?? match?.[4];
  const problem =
    database === undefined
      ? 'is not "<database>" or "<database>"."<schema>"'
      : (checkNamePart(database) ?? (schema === undefined ? undefined : checkNamePart(schema)));
  if (problem !== undefined || database === undefined) {
    errors.push(
      new RedshiftViewsError("E_GENERATOR_CONFIG_INVALID", `sourceSchema = "${value}" ${problem}.`, {
        location: at,
        hint: `Write "<database>"."<schema>", e.g. ${example}; or "<database>" alone for a PostgreSQL source whose models name their @@schema.`,
      }),
    );
    return undefined;
  }
  if (schema === undefined && !POSTGRES_PROVIDERS.includes(provider)) {
    // A MySQL database is replicated as one schema named after it, and Prisma does not know that name
    // (it is in the connection URL); other sources are not replicated by zero-ETL at all.
    errors.push(
      new RedshiftViewsError(
        "E_GENERATOR_CONFIG_INVALID",
        `sourceSchema = "${value}" names only the database, which is for PostgreSQL sources; this datasource is ${provider ?? "not declared"}.`,
        {
          location: at,
          hint: `Name the schema too: "<database>"."<schema>", e.g. ${example} (for MySQL, the schema is the replicated MySQL database's name).`,
        },
      ),
    );
    return undefined;
  }
  return { database, schema };
}

/**
 * A schema or database name: identifier characters around any number of placeholders. Its length is
 * checked as rendered with the longest environment name allowed, so no environment can push it over
 * Redshift's limit.
 */
function checkNamePart(value: string): string | undefined {
  const parts = value.split(PLACEHOLDER);
  const withoutPlaceholder = parts.join("x");
  if (withoutPlaceholder.includes("<%") || withoutPlaceholder.includes("%>")) {
    return `uses a template tag other than ${PLACEHOLDER}`;
  }
  if (!NAME_PART.test(withoutPlaceholder)) return "is not a valid Redshift name";
  const longest = parts.join("e".repeat(ENVIRONMENT_NAME_MAX_LENGTH));
  if (Buffer.byteLength(longest) > MAX_IDENTIFIER_BYTES) {
    return `is too long: with an environment name of ${ENVIRONMENT_NAME_MAX_LENGTH} characters (the longest allowed) it is ${Buffer.byteLength(longest)} bytes, and Redshift names are at most ${MAX_IDENTIFIER_BYTES} bytes`;
  }
  return undefined;
}

/** Where templates go: `output` resolves against the file that declares the generator, as Prisma does. */
export function resolveOutputDir(generator: GeneratorConfig, schemaFile: string, override?: string): string {
  if (override !== undefined) return path.resolve(override);
  const declaredIn = generator.sourceFilePath
    ? path.resolve(path.dirname(schemaFile), generator.sourceFilePath)
    : schemaFile;
  const output = generator.output?.value ?? DEFAULT_OUTPUT;
  return path.resolve(path.dirname(declaredIn), output);
}
