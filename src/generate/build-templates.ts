import type { DMMF } from "@prisma/generator-helper";
import { RedshiftViewsErrors } from "../errors.js";
import type { TemplateFile } from "../files/sync-templates.js";
import type { ViewsOptions } from "../schema/generator-options.js";
import type { SchemaFile } from "../schema/load-schema.js";
import { renderViewTemplate } from "../templates/render-view.js";
import { buildViewSpecs } from "../views/build-view-specs.js";
import { classifyModels } from "../views/classify-models.js";
import type { ExportedTable, ViewSpec } from "../views/view-spec.js";

export interface BuildTemplatesInput {
  readonly datamodel: DMMF.Datamodel;
  readonly files: readonly SchemaFile[];
  readonly displayPath: (file: string) => string;
  readonly options: Pick<ViewsOptions, "viewSchema" | "piiViewSchema" | "sourceSchema" | "viewNaming">;
}

export interface BuiltTemplates {
  readonly tables: readonly ExportedTable[];
  readonly specs: readonly ViewSpec[];
  readonly templates: readonly TemplateFile[];
}

/** Schema in, template files out: pure. Throws every schema problem at once. */
export function buildTemplates(input: BuildTemplatesInput): BuiltTemplates {
  const { tables, errors } = classifyModels(input);
  if (errors.length > 0) throw new RedshiftViewsErrors(errors);
  const specs = buildViewSpecs(tables, input.options);
  const templates = specs.map((spec) => ({ fileName: spec.fileName, content: renderViewTemplate(spec) }));
  return { tables, specs, templates };
}
