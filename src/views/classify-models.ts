import type { DMMF } from "@prisma/generator-helper";
import { docDescription } from "../annotations/doc-description.js";
import {
  type AnnotationProblem,
  EXPORT_TAG,
  parseEnumAnnotations,
  parseFieldAnnotations,
  parseModelAnnotations,
} from "../annotations/parse-annotations.js";
import { classifyField } from "../classification/classify-field.js";
import { LEVELS } from "../classification/levels.js";
import { type ErrorLocation, RedshiftViewsError } from "../errors.js";
import { findCommentAnnotations } from "../schema/comment-annotations.js";
import type { ViewsOptions } from "../schema/generator-options.js";
import type { SchemaFile } from "../schema/load-schema.js";
import { locate, locateDocLine, locateEnum } from "../schema/locate.js";
import { replicatedSchema } from "../schema/source-schema.js";
import { checkIdentifier } from "../sql/quote.js";
import { type NamedTable, viewName, viewNameCollisions } from "./view-names.js";
import type { ClassifiedColumn, ExportedTable } from "./view-spec.js";

export interface ClassifyInput {
  readonly datamodel: DMMF.Datamodel;
  readonly files: readonly SchemaFile[];
  /** Turns an absolute schema file path into the path shown to people (relative to the project root). */
  readonly displayPath: (file: string) => string;
  /** Where the replicated tables are, and how their views are named. */
  readonly options: Pick<ViewsOptions, "sourceSchema" | "viewNaming">;
}

export interface ClassifyResult {
  readonly tables: readonly ExportedTable[];
  readonly errors: readonly RedshiftViewsError[];
}

/**
 * Reads the annotations of every model and classifies the columns of the exported ones. Every problem
 * in the schema is collected, so one run reports them all.
 */
export function classifyModels(input: ClassifyInput): ClassifyResult {
  const errors: RedshiftViewsError[] = [];
  const where = (model: string, field?: string, docLine?: string): ErrorLocation => {
    const position =
      docLine === undefined
        ? locate(input.files, model, field)
        : locateDocLine(input.files, model, field, docLine);
    return {
      ...(position === undefined ? {} : { file: input.displayPath(position.file), line: position.line }),
      model,
      ...(field === undefined ? {} : { field }),
    };
  };

  for (const found of findCommentAnnotations(input.files)) {
    errors.push(
      new RedshiftViewsError(
        "E_ANNOTATION_NOT_DOC_COMMENT",
        found.comment === "line"
          ? `${found.written} is in a // comment, which Prisma drops: it has no effect.`
          : `${found.written} is in a /* */ block comment, which not every Prisma version passes on as documentation.`,
        {
          location: {
            file: input.displayPath(found.file),
            line: found.line,
            ...(found.model === undefined ? {} : { model: found.model }),
            ...(found.field === undefined ? {} : { field: found.field }),
          },
          hint: "Use a /// doc comment directly above the model or field (not // or /* */).",
        },
      ),
    );
  }

  for (const enumType of input.datamodel.enums) {
    const position = locateEnum(input.files, enumType.name);
    const location: ErrorLocation = {
      ...(position === undefined ? {} : { file: input.displayPath(position.file), line: position.line }),
      model: `enum ${enumType.name}`,
    };
    for (const problem of parseEnumAnnotations(enumType.documentation))
      errors.push(annotationError(problem, location));
  }

  const { sourceSchema, viewNaming } = input.options;
  // In the two-part form every table is in the schema it names, so no view is ever prefixed.
  const defaultSchema = replicatedSchema(undefined, sourceSchema.schema);
  const tables: ExportedTable[] = [];
  // Every exported table takes part in the collision check, also those with errors of their own,
  // so that one run reports every problem.
  const exportedNames: NamedTable[] = [];
  for (const model of input.datamodel.models) {
    const annotations = parseModelAnnotations(model.documentation);
    for (const problem of annotations.problems)
      errors.push(annotationError(problem, where(model.name, undefined, annotationLineOf(problem))));

    const columns: ClassifiedColumn[] = [];
    for (const field of model.fields) {
      const isRelation = field.kind === "object";
      const parsed = parseFieldAnnotations(field.documentation, isRelation);
      for (const problem of parsed.problems)
        errors.push(annotationError(problem, where(model.name, field.name, annotationLineOf(problem))));
      if (isRelation) continue;
      const column = field.dbName ?? field.name;
      const facts = { kind: field.kind, type: field.type, isList: field.isList, column };
      const description = docDescription(field.documentation);
      columns.push({
        field: field.name,
        column,
        type: field.type,
        classification: classifyField(facts, parsed.level),
        ...(description === undefined ? {} : { description }),
      });
    }
    if (!annotations.exported) continue;

    const table = model.dbName ?? model.name;
    const schema = replicatedSchema(model.schema, sourceSchema.schema);
    const view = viewName(table, schema, viewNaming, defaultSchema);
    exportedNames.push({ model: model.name, table, schema, view });
    const primaryKey = primaryKeyColumns(model);
    const modelErrors: RedshiftViewsError[] = [];
    if (sourceSchema.schema !== undefined && schema !== sourceSchema.schema) {
      modelErrors.push(
        new RedshiftViewsError(
          "E_MODEL_SCHEMA_UNSUPPORTED",
          `Model ${model.name} lives in @@schema("${schema}"); views read every exported table from sourceSchema "${sourceSchema.database}"."${sourceSchema.schema}".`,
          {
            location: where(model.name),
            hint: `To read each model from the schema its @@schema names, set sourceSchema = "${sourceSchema.database}" (the database alone); or stop exporting it.`,
          },
        ),
      );
    }
    if (primaryKey.length === 0) {
      modelErrors.push(
        new RedshiftViewsError(
          "E_MODEL_NO_PRIMARY_KEY",
          `Model ${model.name} is exported but has no primary key.`,
          {
            location: where(model.name),
            hint: "Zero-ETL only replicates tables with a primary key: add @id or @@id, or remove /// @exportToAnalytics.",
          },
        ),
      );
    }
    for (const field of model.fields.filter(
      (candidate) => candidate.type === "Bytes" && candidate.kind === "scalar",
    )) {
      modelErrors.push(
        new RedshiftViewsError(
          "E_MODEL_BYTES_COLUMN",
          `Model ${model.name} is exported but has a Bytes column.`,
          {
            location: where(model.name, field.name),
            hint: "Zero-ETL cannot replicate binary columns: move the data to another model, or remove /// @exportToAnalytics.",
          },
        ),
      );
    }
    for (const { problem, field } of [
      { problem: checkIdentifier(table, "table"), field: undefined },
      // Names of schemas come from the schema text (`schemas = [...]`), so they are checked like tables.
      {
        problem: typeof model.schema === "string" ? checkIdentifier(schema, "schema") : undefined,
        field: undefined,
      },
      { problem: view === table ? undefined : checkIdentifier(view, "view"), field: undefined },
      ...columns.map((c) => ({ problem: checkIdentifier(c.column, "column"), field: c.field })),
    ]) {
      if (problem !== undefined) {
        modelErrors.push(
          new RedshiftViewsError("E_IDENTIFIER_INVALID", problem, {
            location: where(model.name, field),
            hint:
              field === undefined
                ? "Rename it with @@map to a name of at most 127 bytes without quotes, control characters, <% %>, slashes or a leading dot (it becomes a file name)."
                : "Rename it with @map to a name of at most 127 bytes without quotes, control characters or <% %>.",
          }),
        );
      }
    }
    errors.push(...modelErrors);
    if (modelErrors.length > 0) continue;
    const position = locate(input.files, model.name);
    tables.push({
      model: model.name,
      table,
      source: { database: sourceSchema.database, schema },
      view,
      sourceFile: position === undefined ? "" : input.displayPath(position.file),
      primaryKey,
      columns,
    });
  }
  errors.push(...viewNameCollisions(exportedNames, viewNaming, defaultSchema, where));
  return { tables, errors };
}

function primaryKeyColumns(model: DMMF.Model): string[] {
  const columnOf = (name: string) => {
    const field = model.fields.find((candidate) => candidate.name === name);
    return field?.dbName ?? name;
  };
  if (model.primaryKey !== null && model.primaryKey !== undefined)
    return model.primaryKey.fields.map(columnOf);
  return model.fields.filter((field) => field.isId).map((field) => field.dbName ?? field.name);
}

/** The doc line a problem is about, when it is about one line: errors then point at that line. */
function annotationLineOf(problem: AnnotationProblem): string | undefined {
  return problem.kind === "extra-text" ? problem.line : undefined;
}

function annotationError(problem: AnnotationProblem, location: ErrorLocation): RedshiftViewsError {
  switch (problem.kind) {
    case "extra-text":
      return new RedshiftViewsError(
        "E_ANNOTATION_EXTRA_TEXT",
        `"/// ${problem.line}" holds more than the annotation, so it is not read as one.`,
        {
          location,
          hint: `An annotation line holds the annotation and nothing else: write "${problem.suggestion}" on a line of its own, and put notes on their own /// line.`,
        },
      );
    case "misspelled":
      return new RedshiftViewsError("E_ANNOTATION_MISSPELLED", `Unknown annotation @${problem.written}.`, {
        location,
        hint: `Did you mean @${problem.suggestion}?`,
      });
    case "duplicate":
      return new RedshiftViewsError("E_ANNOTATION_DUPLICATE", `@${problem.tag} is written more than once.`, {
        location,
        hint: "Keep exactly one.",
      });
    case "misplaced":
      return new RedshiftViewsError(
        "E_ANNOTATION_MISPLACED",
        `@${problem.tag} does not belong on ${describeNode(problem.on)}.`,
        {
          location,
          hint:
            problem.tag === "exportToAnalytics"
              ? "Put /// @exportToAnalytics on the model, above `model …`."
              : "Put /// @classification <level> on a scalar field of a model.",
        },
      );
    case "unrecognised":
      return unrecognisedError(problem, location);
    case "missing-level":
      return new RedshiftViewsError("E_ANNOTATION_MISSING_LEVEL", "@classification has no level.", {
        location,
        hint: `Write /// @classification <level>, with one of: ${LEVELS.join(", ")}.`,
      });
    case "unknown-level":
      return new RedshiftViewsError(
        "E_ANNOTATION_UNKNOWN_LEVEL",
        `Unknown classification level "${problem.written}".`,
        {
          location,
          hint:
            problem.suggestion === undefined
              ? `Use one of: ${LEVELS.join(", ")}.`
              : `Did you mean "${problem.suggestion}"? Levels: ${LEVELS.join(", ")}.`,
        },
      );
  }
}

function unrecognisedError(
  problem: Extract<AnnotationProblem, { kind: "unrecognised" }>,
  location: ErrorLocation,
): RedshiftViewsError {
  const example = problem.tag === EXPORT_TAG ? "/// @exportToAnalytics" : "/// @classification <level>";
  const hint = `Write it as an annotation of its own, with one @ and a space or line start before it: ${example}.`;
  switch (problem.how) {
    case "glued":
      return new RedshiftViewsError(
        "E_ANNOTATION_MISPLACED",
        `"${problem.written}" is joined to the text before it, so it is not read as @${problem.tag}.`,
        { location, hint },
      );
    case "double-at":
      return new RedshiftViewsError(
        "E_ANNOTATION_MISSPELLED",
        `"${problem.written}" is not an annotation: @@ is Prisma's block-attribute syntax.`,
        { location, hint },
      );
    case "malformed":
      return new RedshiftViewsError(
        "E_ANNOTATION_MISSPELLED",
        `"${problem.written}" is not read as @${problem.tag}.`,
        { location, hint },
      );
    case "no-at":
      return new RedshiftViewsError(
        "E_ANNOTATION_MISSPELLED",
        `"${problem.written}" has no @, so it is not read as @${problem.tag}.`,
        { location, hint },
      );
  }
}

function describeNode(on: "model" | "field" | "relation" | "enum"): string {
  switch (on) {
    case "model":
      return "a model";
    case "field":
      return "a field";
    case "relation":
      return "a relation field (it is not a column)";
    case "enum":
      return "an enum";
  }
}
