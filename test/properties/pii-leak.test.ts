import type { DMMF } from "@prisma/generator-helper";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFieldAnnotations, parseModelAnnotations } from "../../src/annotations/parse-annotations.js";
import { LEVELS, type Level } from "../../src/classification/levels.js";
import { RedshiftViewsError, RedshiftViewsErrors } from "../../src/errors.js";
import { type BuiltTemplates, buildTemplates } from "../../src/generate/build-templates.js";
import { displayPathFrom } from "../../src/generate/project.js";
import { parseSchemaFiles } from "../../src/schema/load-schema.js";
import { VIEW_OPTIONS, VIRTUAL_ROOT, VIRTUAL_SCHEMA } from "../helpers/index.js";

/**
 * The safety property of the whole tool, over random schemas: no `restricted` or `highly_restricted`
 * column ever reaches a non-PII view, and no `highly_restricted` column reaches any view. Stronger
 * still, each view shows exactly the columns its tier allows, and a schema with a bad annotation
 * produces no template at all.
 *
 * `PII_PROPERTY_RUNS` sets the number of random schemas (default 500; `npm run test:property` runs
 * 10,000). One schema in ten also goes through Prisma's real parser as schema text.
 */
const RUNS = Number(process.env.PII_PROPERTY_RUNS ?? "500");
const TEXT_RUNS = Math.max(20, Math.ceil(RUNS / 10));
const TIMEOUT = 60_000 + RUNS * 20;

const TIMESTAMP_COLUMNS = ["created_at", "updated_at", "deleted_at", "createdAt", "updatedAt", "deletedAt"];
const PUBLIC_TYPES = ["Int", "BigInt", "Float", "Decimal", "Boolean"];
const SCALAR_TYPES = [...PUBLIC_TYPES, "String", "DateTime", "Json"] as const;

// --- the random schema model -------------------------------------------------------------------

/** What a doc comment says: which level it sets (if valid), or that it is an error. */
type Doc =
  | { readonly kind: "none"; readonly lines: readonly string[] }
  | { readonly kind: "level"; readonly level: Level; readonly lines: readonly string[] }
  | { readonly kind: "invalid"; readonly lines: readonly string[] };

type FieldKind = "scalar" | "enum" | "unsupported" | "relation" | "bytes";

interface FieldSpec {
  readonly name: string;
  readonly column: string | undefined;
  readonly kind: FieldKind;
  readonly type: string;
  readonly list: boolean;
  readonly doc: Doc;
}

interface ModelSpec {
  readonly name: string;
  readonly table: string | undefined;
  readonly exported: boolean;
  readonly docLines: readonly string[];
  readonly invalidDoc: boolean;
  /** Key fields in `@@id` order (one: `@id`); empty: no primary key. */
  readonly keys: readonly FieldSpec[];
  readonly fields: readonly FieldSpec[];
}

const noise = fc.constantFrom(
  "Free text about this.",
  "@deprecated use something else",
  "@zod.string.max(10)",
  "mail a@b.com for details",
  "@TODO check",
  "",
);

/**
 * What people put on an annotation line besides the annotation: a second level, a note, a tag of
 * another tool, text before it. Such a line is always refused (DESIGN.md: an annotation line holds
 * the annotation and nothing else), so a schema with one never produces a template.
 */
const beforeAnnotation = fc.constantFrom("", "", "SSN ", "SSN (", "`", "@deprecated ", "Note: ");
const afterAnnotation = fc.constantFrom(
  "",
  " restricted",
  " public",
  " highly_restricted",
  " -- shown in reports",
  " (see the wiki)",
  ")",
  "`",
  " @zod.string",
  ". Reviewed by legal.",
  " # TODO",
);
const crowdedAnnotation = (annotation: fc.Arbitrary<string>) =>
  fc
    .tuple(beforeAnnotation, annotation, afterAnnotation)
    .filter(([before, , after]) => before !== "" || after !== "")
    .map(([before, written, after]) => `${before}${written}${after}`);
const crowdedClassification = crowdedAnnotation(
  fc.constantFrom(...LEVELS).map((level) => `@classification ${level}`),
);
const crowdedExport = crowdedAnnotation(fc.constant("@exportToAnalytics"));

const columnName = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/),
  fc.constantFrom(...TIMESTAMP_COLUMNS, "order", "user", "select", "CreatedAt"),
);
const tableName = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/),
  fc.constantFrom("users", "Users", "users_pii", "orders", "order"),
);

function docArbitrary(allowLevel: boolean): fc.Arbitrary<Doc> {
  const level = fc
    .tuple(fc.constantFrom(...LEVELS), fc.array(noise, { maxLength: 2 }), fc.array(noise, { maxLength: 1 }))
    .map(
      ([chosen, before, after]): Doc => ({
        kind: allowLevel ? "level" : "invalid",
        level: chosen,
        lines: [...before, `@classification ${chosen}`, ...after],
      }),
    );
  const none = fc.array(noise, { maxLength: 2 }).map((lines): Doc => ({ kind: "none", lines }));
  const invalid = fc
    .constantFrom(
      ["@classification"],
      ["@classification secret"],
      ["@classification Public"],
      ["@clasification public"],
      ["@Classification restricted"],
      ["@classification public", "@classification public"],
      ["@exportToAnalytics"],
    )
    .map((lines): Doc => ({ kind: "invalid", lines }));
  const crowded = fc
    .tuple(fc.array(noise, { maxLength: 1 }), crowdedClassification)
    .map(([before, line]): Doc => ({ kind: "invalid", lines: [...before, line] }));
  // On a relation field any @classification is misplaced: rarely, so that most schemas are valid.
  return fc.oneof(
    { arbitrary: none, weight: 20 },
    { arbitrary: level, weight: allowLevel ? 30 : 1 },
    { arbitrary: invalid, weight: 1 },
    { arbitrary: crowded, weight: 1 },
  );
}

const fieldKind = fc.oneof(
  { arbitrary: fc.constant<FieldKind>("scalar"), weight: 30 },
  { arbitrary: fc.constant<FieldKind>("enum"), weight: 4 },
  { arbitrary: fc.constant<FieldKind>("unsupported"), weight: 2 },
  { arbitrary: fc.constant<FieldKind>("relation"), weight: 2 },
  { arbitrary: fc.constant<FieldKind>("bytes"), weight: 1 },
);

function fieldArbitrary(index: number, withRelations: boolean): fc.Arbitrary<FieldSpec> {
  return fieldKind
    .filter((kind) => withRelations || kind !== "relation")
    .chain((kind) =>
      fc.record({
        name: fc.constant(`f${index}`),
        column: fc.option(columnName, { nil: undefined }),
        kind: fc.constant(kind),
        type:
          kind === "scalar"
            ? fc.constantFrom(...SCALAR_TYPES)
            : fc.constant(
                kind === "enum"
                  ? "Mood"
                  : kind === "bytes"
                    ? "Bytes"
                    : kind === "relation"
                      ? "Other"
                      : "circle",
              ),
        list: kind === "scalar" || kind === "enum" ? fc.boolean() : fc.constant(kind === "relation"),
        doc: docArbitrary(kind !== "relation"),
      }),
    );
}

function keyArbitrary(index: number): fc.Arbitrary<FieldSpec> {
  return fc.record({
    name: fc.constant(`k${index}`),
    column: fc.option(columnName, { nil: undefined }),
    kind: fc.constant<FieldKind>("scalar"),
    type: fc.constantFrom("Int", "String", "BigInt"),
    list: fc.constant(false),
    doc: docArbitrary(true),
  });
}

function modelArbitrary(index: number, withRelations: boolean): fc.Arbitrary<ModelSpec> {
  const keyCount = fc.oneof(
    { arbitrary: fc.constantFrom(1, 2), weight: 12 },
    { arbitrary: fc.constant(0), weight: 1 },
  );
  return fc
    .record({
      table: fc.option(tableName, { nil: undefined }),
      exported: fc.boolean(),
      noiseLines: fc.array(noise, { maxLength: 2 }),
      badDoc: fc.oneof(
        { arbitrary: fc.constant<string[]>([]), weight: 40 },
        {
          arbitrary: fc.constantFrom(
            ["@exportToAnalytic"],
            ["@classification public"],
            ["@ExportToAnalytics"],
          ),
          weight: 1,
        },
        { arbitrary: crowdedExport.map((line) => [line]), weight: 1 },
      ),
      keys: keyCount.chain((count) => fc.tuple(...Array.from({ length: count }, (_, k) => keyArbitrary(k)))),
      keysReversed: fc.boolean(),
      fieldCount: fc.integer({ min: 0, max: 7 }),
    })
    .chain((base) =>
      fc
        .tuple(...Array.from({ length: base.fieldCount }, (_, f) => fieldArbitrary(f, withRelations)))
        .map((fields): ModelSpec => {
          const keys = base.keysReversed ? [...base.keys].reverse() : base.keys;
          // Column names are unique within a table (Prisma refuses duplicates).
          const seen = new Set<string>();
          const unique = (field: FieldSpec) => {
            const column = field.column ?? field.name;
            if (seen.has(column)) return false;
            seen.add(column);
            return true;
          };
          const keptKeys = keys.filter(unique);
          return {
            name: `M${index}`,
            table: base.table,
            exported: base.exported,
            docLines: [...base.noiseLines, ...(base.exported ? ["@exportToAnalytics"] : []), ...base.badDoc],
            invalidDoc: base.badDoc.length > 0,
            keys: keptKeys,
            fields: fields.filter(unique),
          };
        }),
    );
}

function schemaArbitrary(withRelations: boolean): fc.Arbitrary<readonly ModelSpec[]> {
  return fc
    .integer({ min: 1, max: 5 })
    .chain((count) => fc.tuple(...Array.from({ length: count }, (_, m) => modelArbitrary(m, withRelations))));
}

// --- the oracle: DESIGN.md's rules, written independently of src/ ------------------------------

const columnOf = (field: FieldSpec) => field.column ?? field.name;
const tableOf = (model: ModelSpec) => model.table ?? model.name;

function defaultLevel(field: FieldSpec): Level {
  if (field.list) return "restricted";
  if (field.kind === "enum") return "public";
  if (field.kind !== "scalar") return "restricted";
  if (PUBLIC_TYPES.includes(field.type)) return "public";
  if (field.type === "DateTime" && TIMESTAMP_COLUMNS.includes(columnOf(field))) return "public";
  return "restricted";
}

function levelOf(field: FieldSpec): Level {
  return field.doc.kind === "level" ? field.doc.level : defaultLevel(field);
}

/** The columns of a model as the given source of DMMF sees them: Prisma's parser drops Unsupported fields. */
function columnsOf(model: ModelSpec, viaPrisma: boolean): FieldSpec[] {
  return [...model.keys, ...model.fields].filter(
    (field) => field.kind !== "relation" && !(viaPrisma && field.kind === "unsupported"),
  );
}

/**
 * Whether DESIGN.md says this schema must be refused (so no template may be produced). Prisma's parser
 * drops Unsupported fields, doc comments included, so their annotations are never seen through it.
 */
function mustFail(models: readonly ModelSpec[], viaPrisma: boolean): boolean {
  const everyField = models
    .flatMap((model) => [...model.keys, ...model.fields])
    .filter((field) => !(viaPrisma && field.kind === "unsupported"));
  if (models.some((model) => model.invalidDoc) || everyField.some((field) => field.doc.kind === "invalid"))
    return true;
  const exported = models.filter((model) => model.exported);
  if (exported.some((model) => model.keys.length === 0)) return true;
  if (exported.some((model) => model.fields.some((field) => field.kind === "bytes"))) return true;
  const names = exported.map((model) => tableOf(model).toLowerCase());
  if (new Set(names).size !== names.length) return true;
  return names.some((name) => name.endsWith("_pii") && names.includes(name.slice(0, -4)));
}

// --- checking what was built ---------------------------------------------------------------------

interface ParsedTemplate {
  readonly viewSchema: string;
  readonly table: string;
  readonly columns: string[];
  readonly distKey: string | undefined;
}

/** Reads a template back as an analyst's view would be: its schema, table, SELECT list and DISTKEY. */
function parseTemplate(content: string): ParsedTemplate {
  const lines = content.split("\n");
  const create = /^CREATE MATERIALIZED VIEW "([^"]+)"\."([^"]+)"$/.exec(lines[1] ?? "");
  const select = lines.indexOf("AS SELECT");
  const from = lines.findIndex((line) => line.startsWith("FROM "));
  if (create === null || select === -1 || from < select) throw new Error(`unexpected template:\n${content}`);
  const columns = lines.slice(select + 1, from).map((line) => {
    const match = /^ {2}"([^"]+)",?$/.exec(line);
    if (match === null) throw new Error(`unexpected column line ${JSON.stringify(line)}`);
    return match[1] ?? "";
  });
  return {
    viewSchema: create[1] ?? "",
    table: create[2] ?? "",
    columns,
    distKey: /DISTKEY \("([^"]+)"\)/.exec(content)?.[1],
  };
}

function checkBuilt(models: readonly ModelSpec[], built: BuiltTemplates, viaPrisma: boolean): void {
  const exported = new Map(models.filter((model) => model.exported).map((model) => [tableOf(model), model]));
  let expectedFiles = 0;
  for (const model of exported.values()) {
    const levels = columnsOf(model, viaPrisma).map(levelOf);
    if (levels.some((level) => level === "public" || level === "confidential")) expectedFiles++;
    if (levels.some((level) => level !== "highly_restricted")) expectedFiles++;
  }
  expect(built.templates).toHaveLength(expectedFiles);

  for (const template of built.templates) {
    const view = parseTemplate(template.content);
    const isPii = view.viewSchema === VIEW_OPTIONS.piiViewSchema;
    expect([VIEW_OPTIONS.viewSchema, VIEW_OPTIONS.piiViewSchema]).toContain(view.viewSchema);
    expect(template.fileName).toBe(isPii ? `${view.table}_pii.sql.ejs` : `${view.table}.sql.ejs`);
    const model = exported.get(view.table);
    if (model === undefined) throw new Error(`template for a table that is not exported: ${view.table}`);
    const level = new Map(columnsOf(model, viaPrisma).map((field) => [columnOf(field), levelOf(field)]));

    // The property itself.
    for (const column of view.columns) {
      const columnLevel = level.get(column);
      expect(columnLevel, `${template.fileName}: ${column}`).toBeDefined();
      expect(columnLevel, `${template.fileName}: ${column}`).not.toBe("highly_restricted");
      if (!isPii) expect(columnLevel, `${template.fileName}: ${column}`).not.toBe("restricted");
    }
    // Nothing allowed is missing either, and the order is the schema's.
    const allowed = isPii ? ["public", "confidential", "restricted"] : ["public", "confidential"];
    expect(view.columns).toEqual(
      columnsOf(model, viaPrisma)
        .filter((field) => allowed.includes(levelOf(field)))
        .map(columnOf),
    );
    const leadingKey = model.keys[0];
    const expectedDistKey =
      leadingKey !== undefined && view.columns.includes(columnOf(leadingKey))
        ? columnOf(leadingKey)
        : undefined;
    expect(view.distKey).toBe(expectedDistKey);
  }
}

// --- two ways into the generator -----------------------------------------------------------------

function dmmfField(field: FieldSpec, isId: boolean): DMMF.Field {
  const kind: DMMF.FieldKind =
    field.kind === "relation" ? "object" : field.kind === "bytes" ? "scalar" : field.kind;
  return {
    kind,
    name: field.name,
    isRequired: true,
    isList: field.list,
    isUnique: false,
    isId,
    isReadOnly: false,
    type: field.type,
    hasDefaultValue: false,
    ...(field.column === undefined ? {} : { dbName: field.column }),
    ...(field.doc.lines.length === 0 ? {} : { documentation: field.doc.lines.join("\n") }),
  };
}

function toDatamodel(models: readonly ModelSpec[]): DMMF.Datamodel {
  return {
    models: models.map((model) => ({
      name: model.name,
      dbName: model.table ?? null,
      schema: null,
      fields: [
        ...model.keys.map((key) => dmmfField(key, model.keys.length === 1)),
        ...model.fields.map((field) => dmmfField(field, false)),
      ],
      uniqueFields: [],
      uniqueIndexes: [],
      ...(model.docLines.length === 0 ? {} : { documentation: model.docLines.join("\n") }),
      primaryKey: model.keys.length > 1 ? { name: null, fields: model.keys.map((key) => key.name) } : null,
    })),
    enums: [],
    types: [],
    indexes: [],
  };
}

function toSchemaText(models: readonly ModelSpec[]): string {
  const doc = (lines: readonly string[], indent: string) =>
    lines.map((line) => `${indent}/// ${line}\n`).join("");
  const field = (spec: FieldSpec, attributes: string) => {
    const type =
      spec.kind === "unsupported" ? 'Unsupported("circle")?' : `${spec.type}${spec.list ? "[]" : ""}`;
    const map = spec.column === undefined ? "" : ` @map("${spec.column}")`;
    return `${doc(spec.doc.lines, "  ")}  ${spec.name} ${type}${attributes}${map}\n`;
  };
  const blocks = models.map((model) => {
    const keys = model.keys.map((key) => field(key, model.keys.length === 1 ? " @id" : "")).join("");
    const fields = model.fields.map((spec) => field(spec, "")).join("");
    const id = model.keys.length > 1 ? `  @@id([${model.keys.map((key) => key.name).join(", ")}])\n` : "";
    const map = model.table === undefined ? "" : `  @@map("${model.table}")\n`;
    return `${doc(model.docLines, "")}model ${model.name} {\n${keys}${fields}${id}${map}}\n`;
  });
  return `datasource db {
  provider = "postgresql"
}

enum Mood {
  HAPPY
  SAD
}

${blocks.join("\n")}`;
}

function isPackageError(error: unknown): boolean {
  return error instanceof RedshiftViewsErrors || error instanceof RedshiftViewsError;
}

describe("no personal data reaches a view it must not reach", () => {
  it(
    `holds for ${RUNS} random datamodels (classifyModels → buildViewSpecs → templates)`,
    () => {
      fc.assert(
        fc.property(schemaArbitrary(true), (models) => {
          let built: BuiltTemplates;
          try {
            built = buildTemplates({
              datamodel: toDatamodel(models),
              files: [],
              displayPath: (file) => file,
              options: VIEW_OPTIONS,
            });
          } catch (error) {
            expect(isPackageError(error)).toBe(true);
            expect(mustFail(models, false)).toBe(true);
            return;
          }
          expect(mustFail(models, false)).toBe(false);
          checkBuilt(models, built, false);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `holds for ${TEXT_RUNS} random schema texts parsed by Prisma`,
    async () => {
      await fc.assert(
        fc.asyncProperty(schemaArbitrary(false), async (models) => {
          const text = toSchemaText(models);
          let built: BuiltTemplates;
          try {
            const loaded = await parseSchemaFiles(VIRTUAL_SCHEMA, [[VIRTUAL_SCHEMA, text]]);
            built = buildTemplates({
              datamodel: loaded.datamodel,
              files: loaded.files,
              displayPath: displayPathFrom(VIRTUAL_ROOT),
              options: VIEW_OPTIONS,
            });
          } catch (error) {
            expect(isPackageError(error)).toBe(true);
            // Prisma itself may refuse a random schema (e.g. two models mapped to one table); our
            // own refusals must be ones DESIGN.md calls for.
            const codes = error instanceof RedshiftViewsErrors ? error.errors.map((e) => e.code) : [];
            if (!(error instanceof RedshiftViewsError && error.code === "E_SCHEMA_INVALID")) {
              expect(mustFail(models, true), codes.join(", ")).toBe(true);
            }
            return;
          }
          expect(mustFail(models, true), text).toBe(false);
          checkBuilt(models, built, true);
        }),
        { numRuns: TEXT_RUNS },
      );
    },
    TIMEOUT,
  );
});

// --- an annotation in any surroundings ------------------------------------------------------------

/** Text full of the characters people put around an annotation: brackets, quotes, Markdown, `@`, `.`. */
const surroundings = fc
  .array(
    fc.oneof(
      fc.constantFrom(..."()[]{}<>`'\"*_~;:,.!?/\\|#-=+@ \t".split("")),
      fc.constantFrom("SSN", "x", "1", "a@b.com", "@", "@@", "@deprecated", "\n", "é", "classification"),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(""));

describe("an annotation in any surroundings is read or refused, never ignored", () => {
  it(`refuses ${RUNS} annotation lines that hold more than the annotation, and reads nothing from them`, () => {
    fc.assert(
      fc.property(
        fc.array(noise, { maxLength: 2 }),
        crowdedClassification,
        crowdedExport,
        (notes, field, model) => {
          const parsedField = parseFieldAnnotations([...notes, field].join("\n"), false);
          expect(parsedField.level, field).toBeUndefined();
          expect(parsedField.problems.length, field).toBeGreaterThan(0);
          const parsedModel = parseModelAnnotations([...notes, model].join("\n"));
          expect(parsedModel.exported, model).toBe(false);
          expect(parsedModel.problems.length, model).toBeGreaterThan(0);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`holds for ${RUNS} doc comments containing @classification <level>`, () => {
    fc.assert(
      fc.property(surroundings, fc.constantFrom(...LEVELS), surroundings, (before, level, after) => {
        const doc = `${before}@classification ${level}${after}`;
        const parsed = parseFieldAnnotations(doc, false);
        if (parsed.problems.length === 0) expect(parsed.level, JSON.stringify(doc)).toBe(level);
      }),
      { numRuns: RUNS },
    );
  });

  it(`holds through the generator for ${TEXT_RUNS} Int columns (whose default is public)`, () => {
    fc.assert(
      fc.property(surroundings, fc.constantFrom(...LEVELS), surroundings, (before, level, after) => {
        const key: FieldSpec = {
          name: "id",
          column: undefined,
          kind: "scalar",
          type: "Int",
          list: false,
          doc: { kind: "none", lines: [] },
        };
        const ssn: FieldSpec = { ...key, name: "ssn", doc: { kind: "none", lines: [] } };
        const model: ModelSpec = {
          name: "Person",
          table: "people",
          exported: true,
          docLines: ["@exportToAnalytics"],
          invalidDoc: false,
          keys: [key],
          fields: [ssn],
        };
        const datamodel = toDatamodel([model]);
        const field = datamodel.models[0]?.fields[1];
        if (field === undefined) throw new Error("the ssn field is missing");
        Object.assign(field, { documentation: `${before}@classification ${level}${after}` });
        let built: BuiltTemplates;
        try {
          built = buildTemplates({
            datamodel,
            files: [],
            displayPath: (file) => file,
            options: VIEW_OPTIONS,
          });
        } catch (error) {
          expect(isPackageError(error)).toBe(true);
          return;
        }
        const views = built.templates.map((template) => parseTemplate(template.content));
        const shownIn = views.filter((view) => view.columns.includes("ssn")).map((view) => view.viewSchema);
        const expected = {
          public: [VIEW_OPTIONS.viewSchema, VIEW_OPTIONS.piiViewSchema],
          confidential: [VIEW_OPTIONS.viewSchema, VIEW_OPTIONS.piiViewSchema],
          restricted: [VIEW_OPTIONS.piiViewSchema],
          highly_restricted: [],
        }[level];
        expect(shownIn.sort(), JSON.stringify(field.documentation)).toEqual([...expected].sort());
      }),
      { numRuns: TEXT_RUNS },
    );
  });
});
