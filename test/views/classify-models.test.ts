import { describe, expect, it } from "vitest";
import type { RedshiftViewsError } from "../../src/errors.js";
import { findCommentAnnotations } from "../../src/schema/comment-annotations.js";
import { buildFromText, caughtErrors, classifyText, schema } from "../helpers/index.js";

/** 1-based line of the first line of `text` that starts with `start`. */
function lineOf(text: string, start: string): number {
  return text.split("\n").findIndex((line) => line.startsWith(start)) + 1;
}

/** `[code, location]` pairs, the stable part of an error, in the order they were reported. */
function codesAndPlaces(errors: readonly RedshiftViewsError[]) {
  return errors.map((error) => [error.code, error.location]);
}

describe("classifyModels: columns of exported models", () => {
  it("applies every default through a real schema, deciding DateTime by the column name (@map)", async () => {
    const { tables, errors } = await classifyText(
      schema(`
enum Role {
  STUDENT
  TEACHER
}

/// @exportToAnalytics
model Person {
  id          Int       @id
  name        String
  profile     Json
  tags        Json[]
  score       Float
  visits      BigInt
  balance     Decimal
  active      Boolean
  role        Role
  birthday    DateTime
  createdAt   DateTime  @map("created_at")
  updatedAt   DateTime
  deletedAt   DateTime? @map("deleted_at")
  /// The Prisma name looks like a timestamp, the column does not.
  createdOn   DateTime  @map("creation_time")
  /// The column is a timestamp, whatever the Prisma name.
  removed     DateTime  @map("deletedAt")
  posts       Post[]

  @@map("people")
}

model Post {
  id       Int    @id
  personId Int
  person   Person @relation(fields: [personId], references: [id])
}
`).replace('provider = "mysql"', 'provider = "postgresql"'),
    );
    expect(errors).toEqual([]);
    expect(tables).toHaveLength(1);
    const [table] = tables;
    expect(table?.table).toBe("people");
    expect(table?.sourceFile).toBe("prisma/schema.prisma");
    expect(table?.primaryKey).toEqual(["id"]);
    expect(
      table?.columns.map((column) => `${column.field}→${column.column}: ${column.classification.level}`),
    ).toEqual([
      "id→id: public",
      "name→name: restricted",
      "profile→profile: restricted",
      "tags→tags: restricted",
      "score→score: public",
      "visits→visits: public",
      "balance→balance: public",
      "active→active: public",
      "role→role: public",
      "birthday→birthday: restricted",
      "createdAt→created_at: public",
      "updatedAt→updatedAt: public",
      "deletedAt→deleted_at: public",
      "createdOn→creation_time: restricted",
      "removed→deletedAt: public",
    ]);
    expect(table?.columns.every((column) => column.classification.source === "default")).toBe(true);
  });

  it("lets annotations override the defaults both ways", async () => {
    const { tables, errors } = await classifyText(
      schema(`
/// @exportToAnalytics
model Account {
  /// @classification confidential
  id        Int      @id
  /// @classification public
  country   String
  /// @classification highly_restricted
  balance   Decimal
  /// @classification restricted
  createdAt DateTime @map("created_at")
  nickname  String
}
`),
    );
    expect(errors).toEqual([]);
    expect(
      tables[0]?.columns.map((column) => [
        column.column,
        column.classification.level,
        column.classification.source,
      ]),
    ).toEqual([
      ["id", "confidential", "annotated"],
      ["country", "public", "annotated"],
      ["balance", "highly_restricted", "annotated"],
      ["created_at", "restricted", "annotated"],
      ["nickname", "restricted", "default"],
    ]);
  });

  it("exports only annotated models and keeps composite keys in @@id order, by column name", async () => {
    const { tables, errors } = await classifyText(
      schema(`
/// @exportToAnalytics
model Membership {
  groupId Int @map("group_id")
  userId  Int @map("user_id")

  @@id([userId, groupId])
  @@map("memberships")
}

model Secret {
  id Int @id
}
`),
    );
    expect(errors).toEqual([]);
    expect(tables.map((table) => [table.model, table.table, table.primaryKey])).toEqual([
      ["Membership", "memberships", ["user_id", "group_id"]],
    ]);
  });
});

describe("classifyModels: errors", () => {
  it("names file, line, model and field of an unknown level, with a suggestion", async () => {
    const text = schema(`
/// @exportToAnalytics
model User {
  id    Int    @id
  /// @classification restriced
  email String
}
`);
    const { errors } = await classifyText(text);
    const emailLine = lineOf(text, "  email");
    expect(codesAndPlaces(errors)).toEqual([
      [
        "E_ANNOTATION_UNKNOWN_LEVEL",
        { file: "prisma/schema.prisma", line: emailLine, model: "User", field: "email" },
      ],
    ]);
    expect(errors[0]?.message).toContain('"restriced"');
    expect(errors[0]?.hint).toContain('Did you mean "restricted"?');
  });

  it("reports a missing level and lists the levels", async () => {
    const { errors } = await classifyText(
      schema(`
model User {
  id    Int    @id
  /// @classification
  email String
}
`),
    );
    expect(errors.map((error) => [error.code, error.location.field])).toEqual([
      ["E_ANNOTATION_MISSING_LEVEL", "email"],
    ]);
    expect(errors[0]?.hint).toContain("public, confidential, restricted, highly_restricted");
  });

  it("reports misplaced annotations on a model, a relation field, an enum and a field", async () => {
    const { errors } = await classifyText(
      schema(`
/// @classification public
enum Role {
  A
}

/// @exportToAnalytics
/// @classification restricted
model User {
  id    Int    @id
  /// @exportToAnalytics
  role  Role
  /// @classification public
  posts Post[]
}

model Post {
  id     Int  @id
  userId Int
  user   User @relation(fields: [userId], references: [id])
}
`),
    );
    expect(
      errors.map((error) => [error.code, error.location.model, error.location.field, error.message]),
    ).toEqual([
      ["E_ANNOTATION_MISPLACED", "enum Role", undefined, "@classification does not belong on an enum."],
      ["E_ANNOTATION_MISPLACED", "User", undefined, "@classification does not belong on a model."],
      ["E_ANNOTATION_MISPLACED", "User", "role", "@exportToAnalytics does not belong on a field."],
      [
        "E_ANNOTATION_MISPLACED",
        "User",
        "posts",
        "@classification does not belong on a relation field (it is not a column).",
      ],
    ]);
    expect(errors.every((error) => error.location.file === "prisma/schema.prisma")).toBe(true);
  });

  it("reports duplicate annotations on models and fields", async () => {
    const { errors } = await classifyText(
      schema(`
/// @exportToAnalytics
/// @exportToAnalytics
model User {
  id    Int    @id
  /// @classification public
  /// @classification restricted
  email String
}
`),
    );
    expect(errors.map((error) => [error.code, error.location.model, error.location.field])).toEqual([
      ["E_ANNOTATION_DUPLICATE", "User", undefined],
      ["E_ANNOTATION_DUPLICATE", "User", "email"],
    ]);
  });

  it("reports misspelled tags with the right spelling, and leaves other tools' tags alone", async () => {
    const { errors, tables } = await classifyText(
      schema(`
/// @exportToAnalytic
model Draft {
  id Int @id
}

/// @ExportToAnalytics
model Other {
  id Int @id
}

/// @deprecated
/// @exportToAnalytics
model User {
  id    Int    @id
  /// @clasification public
  email String
  /// @zod.string.max(10)
  /// @deprecated use email
  name  String
}
`),
    );
    expect(
      errors.map((error) => [error.code, error.location.model, error.location.field, error.hint]),
    ).toEqual([
      ["E_ANNOTATION_MISSPELLED", "Draft", undefined, "Did you mean @exportToAnalytics?"],
      ["E_ANNOTATION_MISSPELLED", "Other", undefined, "Did you mean @exportToAnalytics?"],
      ["E_ANNOTATION_MISSPELLED", "User", "email", "Did you mean @classification?"],
    ]);
    expect(tables.map((table) => table.model)).toEqual(["User"]);
  });

  it("refuses an exported model without a primary key, and a Bytes column", async () => {
    const text = schema(`
/// @exportToAnalytics
model Event {
  name String @unique
}

/// @exportToAnalytics
model Certificate {
  id  Int   @id
  pdf Bytes
}

/// Not exported: neither rule applies.
model Blob {
  data Bytes @unique
}
`);
    const { errors, tables } = await classifyText(text);
    expect(codesAndPlaces(errors)).toEqual([
      [
        "E_MODEL_NO_PRIMARY_KEY",
        { file: "prisma/schema.prisma", line: lineOf(text, "model Event"), model: "Event" },
      ],
      [
        "E_MODEL_BYTES_COLUMN",
        {
          file: "prisma/schema.prisma",
          line: lineOf(text, "  pdf Bytes"),
          model: "Certificate",
          field: "pdf",
        },
      ],
    ]);
    expect(errors[0]?.hint).toContain("@id or @@id");
    expect(errors[1]?.hint).toContain("binary");
    expect(tables).toEqual([]);
  });

  it("refuses exported tables whose names differ only by case", async () => {
    const { errors } = await classifyText(
      schema(`
/// @exportToAnalytics
model Order {
  id Int @id
  @@map("orders")
}

/// @exportToAnalytics
model LegacyOrder {
  id Int @id
  @@map("Orders")
}
`),
    );
    expect(errors.map((error) => [error.code, error.location.model])).toEqual([
      ["E_TABLE_NAME_COLLISION", "LegacyOrder"],
    ]);
    expect(errors[0]?.message).toContain('"orders" (model Order)');
    expect(errors[0]?.message).toContain('"Orders" (model LegacyOrder)');
  });

  it("refuses a table <t>_pii beside an exported <t>, but not beside an unexported one", async () => {
    const colliding = await classifyText(
      schema(`
/// @exportToAnalytics
model User {
  id Int @id
  @@map("users")
}

/// @exportToAnalytics
model UserPii {
  id Int @id
  @@map("users_pii")
}
`),
    );
    expect(colliding.errors.map((error) => [error.code, error.location.model])).toEqual([
      ["E_TABLE_NAME_COLLISION", "UserPii"],
    ]);
    expect(colliding.errors[0]?.hint).toContain("users_pii.sql.ejs");

    const fine = await classifyText(
      schema(`
model User {
  id Int @id
  @@map("users")
}

/// @exportToAnalytics
model UserPii {
  id Int @id
  @@map("users_pii")
}
`),
    );
    expect(fine.errors).toEqual([]);
  });

  it("refuses identifiers that cannot be quoted safely", async () => {
    const { errors } = await classifyText(
      schema(`
/// @exportToAnalytics
model Weird {
  id   Int    @id
  note Int    @map("a<%b")
}
`),
    );
    expect(errors.map((error) => [error.code, error.location.model, error.location.field])).toEqual([
      ["E_IDENTIFIER_INVALID", "Weird", "note"],
    ]);
  });

  it.each(["x/../../escaped", "a\\\\b", ".hidden", ".."])(
    "refuses the table name %s, which would not be a plain file name",
    async (table) => {
      const { errors, tables } = await classifyText(
        schema(`
/// @exportToAnalytics
model Escape {
  id Int @id @map("odd/.name")
  @@map("${table}")
}
`),
      );
      expect(errors.map((error) => [error.code, error.location.model, error.location.field])).toEqual([
        ["E_IDENTIFIER_INVALID", "Escape", undefined],
      ]);
      expect(errors[0]?.hint).toContain("@@map");
      expect(tables).toEqual([]);
    },
  );

  it("reports every problem of a schema in one run", async () => {
    const { errors } = await classifyText(
      schema(`
/// @classification public
enum Role {
  A
}

/// @exportToAnalytics
model User {
  id    Int    @id
  /// @classification secretive
  email String
  /// @classification
  name  String
  /// @clasification public
  city  String
  photo Bytes
  @@map("users")
}

/// @exportToAnalytics
model Log {
  message String @unique
}

/// @exportToAnalytics
model A {
  id Int @id
  @@map("things")
}

/// @exportToAnalytics
model B {
  id Int @id
  @@map("Things")
}

/// @exportToAnalytics
/// @exportToAnalytics
model C {
  id Int @id
}
`),
    );
    expect(
      errors.map((error) => `${error.code} ${error.location.model}.${error.location.field ?? ""}`),
    ).toEqual([
      "E_ANNOTATION_MISPLACED enum Role.",
      "E_ANNOTATION_UNKNOWN_LEVEL User.email",
      "E_ANNOTATION_MISSING_LEVEL User.name",
      "E_ANNOTATION_MISSPELLED User.city",
      "E_MODEL_BYTES_COLUMN User.photo",
      "E_MODEL_NO_PRIMARY_KEY Log.",
      "E_ANNOTATION_DUPLICATE C.",
      "E_TABLE_NAME_COLLISION B.",
    ]);
  });

  it("reports a collision even when one of the colliding models has other errors", async () => {
    const { errors } = await classifyText(
      schema(`
/// @exportToAnalytics
model User {
  id    Int   @id
  photo Bytes
  @@map("users")
}

/// @exportToAnalytics
model UserPii {
  id Int @id
  @@map("users_pii")
}
`),
    );
    expect(errors.map((error) => [error.code, error.location.model])).toEqual([
      ["E_MODEL_BYTES_COLUMN", "User"],
      ["E_TABLE_NAME_COLLISION", "UserPii"],
    ]);
  });
});

describe("classifyModels: annotations Prisma would drop", () => {
  it("refuses @classification and @exportToAnalytics in // and /* */ comments, naming file:line, model and field", async () => {
    const text = schema(`
// @exportToAnalytics
model User {
  id       Int    @id
  ssn      Int    // @classification highly_restricted
  // @classification restricted
  email    String
  /* @classification highly_restricted */
  password String
  // @@classification public
  @@map("users")
}
`);
    const { errors } = await classifyText(text);
    expect(codesAndPlaces(errors)).toEqual([
      [
        "E_ANNOTATION_NOT_DOC_COMMENT",
        { file: "prisma/schema.prisma", line: lineOf(text, "// @export"), model: "User" },
      ],
      [
        "E_ANNOTATION_NOT_DOC_COMMENT",
        { file: "prisma/schema.prisma", line: lineOf(text, "  ssn"), model: "User", field: "ssn" },
      ],
      [
        "E_ANNOTATION_NOT_DOC_COMMENT",
        {
          file: "prisma/schema.prisma",
          line: lineOf(text, "  // @classification"),
          model: "User",
          field: "email",
        },
      ],
      [
        "E_ANNOTATION_NOT_DOC_COMMENT",
        {
          file: "prisma/schema.prisma",
          line: lineOf(text, "  /* @classification"),
          model: "User",
          field: "password",
        },
      ],
      [
        "E_ANNOTATION_NOT_DOC_COMMENT",
        { file: "prisma/schema.prisma", line: lineOf(text, "  // @@"), model: "User" },
      ],
    ]);
    expect(errors[1]?.message).toBe(
      "@classification is in a // comment, which Prisma drops: it has no effect.",
    );
    expect(errors[3]?.message).toContain("block comment");
    expect(errors[1]?.hint).toContain(
      "use a /// doc comment directly above the model or field".replace("use", "Use"),
    );
  });

  it("leaves /// docs, strings and comments about other things alone", async () => {
    const { errors, tables } = await classifyText(
      schema(`
// The user table; see docs/classification.md and mail privacy@example.com.
// Models marked \`/// @exportToAnalytics\` get views; \`/// @classification <level>\` picks the view.
/* Block comment with @deprecated and @zod.string */
/// @exportToAnalytics
model User {
  id    Int    @id
  /// @classification restricted
  email String @default("// @classification public")
  // TODO: decide the classification of this field
  note  String
}
`),
    );
    expect(errors).toEqual([]);
    expect(tables.map((table) => table.model)).toEqual(["User"]);
  });

  it("refuses doc comments that mention an annotation which would not be read", async () => {
    const text = schema(`
/// @exportToAnalytics
model User {
  id   Int @id
  /// Social security number (@classification highly_restricted)
  ssn  Int
  /// SSN@classification restricted
  tin  Int
  /// @@classification restricted
  pin  Int
  /// classification: highly_restricted
  code Int
}
`);
    const { errors, tables } = await classifyText(text);
    expect(errors.map((error) => [error.code, error.location.field])).toEqual([
      ["E_ANNOTATION_EXTRA_TEXT", "ssn"],
      ["E_ANNOTATION_MISPLACED", "tin"],
      ["E_ANNOTATION_MISSPELLED", "pin"],
      ["E_ANNOTATION_MISSPELLED", "code"],
    ]);
    expect(errors[0]?.hint).toContain('write "/// @classification highly_restricted" on a line of its own');
    expect(errors.slice(1).every((error) => error.hint.includes("/// @classification <level>"))).toBe(true);
    expect(tables).toHaveLength(1);
    // What matters: nothing is generated from it.
    expect(await caughtErrors(() => buildFromText(text))).toHaveLength(4);
  });

  it("points at the annotation line that holds more than the annotation", async () => {
    const text = schema(`
/// Accounts.
/// @exportToAnalytics -- replicated nightly
model User {
  id    Int    @id
  /// The address.
  /// @classification restricted -- shown in reports
  email String
  /// @classification public restricted
  code  Int
  tag   Int /// @classification public note
}
`);
    const { errors } = await classifyText(text);
    const lines = text.split("\n");
    const lineOf = (fragment: string) => lines.findIndex((line) => line.includes(fragment)) + 1;
    expect(
      errors.map((error) => [
        error.code,
        error.location.file,
        error.location.line,
        error.location.model,
        error.location.field,
      ]),
    ).toEqual([
      ["E_ANNOTATION_EXTRA_TEXT", "prisma/schema.prisma", lineOf("nightly"), "User", undefined],
      ["E_ANNOTATION_EXTRA_TEXT", "prisma/schema.prisma", lineOf("shown in reports"), "User", "email"],
      ["E_ANNOTATION_EXTRA_TEXT", "prisma/schema.prisma", lineOf("public restricted"), "User", "code"],
      ["E_ANNOTATION_EXTRA_TEXT", "prisma/schema.prisma", lineOf("public note"), "User", "tag"],
    ]);
    expect(errors[1]?.message).toBe(
      '"/// @classification restricted -- shown in reports" holds more than the annotation, so it is not read as one.',
    );
    expect(errors[1]?.hint).toBe(
      'An annotation line holds the annotation and nothing else: write "/// @classification restricted" on a line of its own, and put notes on their own /// line.',
    );
  });
});

describe("classifyModels: @@schema (multiSchema)", () => {
  const multiSchema = (schemaOfUser: string) =>
    schema(
      `
/// @exportToAnalytics
model User {
  id Int @id
  @@schema("${schemaOfUser}")
  @@map("users")
}

/// Not exported: its schema does not matter.
model Session {
  id Int @id
  @@schema("auth")
}
`,
      {
        datasource: `datasource db {\n  provider = "postgresql"\n  schemas  = ["public", "auth", "app"]\n}`,
      },
    );

  it("refuses an exported model in another schema than the two-part sourceSchema's", async () => {
    const errors = await caughtErrors(() => buildFromText(multiSchema("auth")));
    expect(errors.map((error) => [error.code, error.location.model])).toEqual([
      ["E_MODEL_SCHEMA_UNSUPPORTED", "User"],
    ]);
    expect(errors[0]?.message).toBe(
      'Model User lives in @@schema("auth"); views read every exported table from sourceSchema "<%= environment %>_app_zeroetl"."app".',
    );
    expect(errors[0]?.hint).toBe(
      'To read each model from the schema its @@schema names, set sourceSchema = "<%= environment %>_app_zeroetl" (the database alone); or stop exporting it.',
    );
  });

  it("accepts a model whose @@schema is exactly the schema sourceSchema names", async () => {
    const built = await buildFromText(multiSchema("app"));
    expect(built.templates.map((template) => template.fileName)).toEqual([
      "users.sql.ejs",
      "users_pii.sql.ejs",
    ]);
    expect(built.templates[0]?.content).toContain('"<%= environment %>_app_zeroetl"."app"."users"');
  });
});

describe("classifyModels: a source with several schemas (sourceSchema names the database alone)", () => {
  const POSTGRES = `datasource db {\n  provider = "postgresql"\n  schemas  = ["public", "auth", "billing"]\n}`;
  const options = (viewNaming: "table" | "schema_prefixed") => ({
    sourceSchema: { database: "<%= environment %>_app", schema: undefined },
    viewNaming,
  });
  const model = (name: string, table: string, schemaName: string) => `
/// @exportToAnalytics
model ${name} {
  id Int @id
  @@map("${table}")
  @@schema("${schemaName}")
}
`;

  it("reads each model from the schema its @@schema names, and names views after tables", async () => {
    const { tables, errors } = await classifyText(
      schema(
        `${model("User", "users", "public")}${model("Session", "sessions", "auth")}${model("Invoice", "invoices", "billing")}`,
        {
          datasource: POSTGRES,
        },
      ),
      options("table"),
    );
    expect(errors).toEqual([]);
    expect(tables.map((table) => [table.model, table.source, table.view])).toEqual([
      ["User", { database: "<%= environment %>_app", schema: "public" }, "users"],
      ["Session", { database: "<%= environment %>_app", schema: "auth" }, "sessions"],
      ["Invoice", { database: "<%= environment %>_app", schema: "billing" }, "invoices"],
    ]);
  });

  it("reads a model without @@schema from public when the datasource lists no schemas", async () => {
    const { tables, errors } = await classifyText(
      schema(`/// @exportToAnalytics\nmodel User {\n  id Int @id\n  @@map("users")\n}`, {
        datasource: `datasource db {\n  provider = "postgresql"\n}`,
      }),
      options("schema_prefixed"),
    );
    expect(errors).toEqual([]);
    expect(tables.map((table) => [table.source.schema, table.view])).toEqual([["public", "users"]]);
  });

  it("refuses two same-named tables of different schemas, naming both models and the way out", async () => {
    const text = schema(`${model("User", "users", "public")}${model("AuthUser", "users", "auth")}`, {
      datasource: POSTGRES,
    });
    const { errors } = await classifyText(text, options("table"));
    expect(errors.map((error) => [error.code, error.location.model, error.message])).toEqual([
      [
        "E_TABLE_NAME_COLLISION",
        "AuthUser",
        'Tables "public"."users" (model User) and "auth"."users" (model AuthUser) would both have views named "users".',
      ],
    ]);
    expect(errors[0]?.hint).toBe(
      'Set viewNaming = "schema_prefixed" in the generator block to name the views of tables outside "public" <schema>_<table> (existing views of those tables are renamed: provision drops them and adds the new ones), or give one table a different @@map, or stop exporting one.',
    );
  });

  it("with viewNaming = schema_prefixed, names views of tables outside public <schema>_<table>", async () => {
    const text = schema(`${model("User", "users", "public")}${model("AuthUser", "users", "auth")}`, {
      datasource: POSTGRES,
    });
    const { tables, errors } = await classifyText(text, options("schema_prefixed"));
    expect(errors).toEqual([]);
    expect(tables.map((table) => [table.model, table.source.schema, table.table, table.view])).toEqual([
      ["User", "public", "users", "users"],
      ["AuthUser", "auth", "users", "auth_users"],
    ]);
  });

  it("still refuses view names that collide after prefixing, and a prefixed name too long", async () => {
    const prefixed = await classifyText(
      schema(
        `${model("User", "users", "auth")}${model("Legacy", "auth_users", "public")}${model("Pii", "users_pii", "auth")}`,
        { datasource: POSTGRES },
      ),
      options("schema_prefixed"),
    );
    expect(prefixed.errors.map((error) => [error.location.model, error.message, error.hint])).toEqual([
      [
        "Legacy",
        'Tables "auth"."users" (model User) and "public"."auth_users" (model Legacy) would both have views named "auth_users".',
        "Give one table a different @@map, or stop exporting one of them.",
      ],
      [
        "Pii",
        'View "auth_users_pii" of table "auth"."users_pii" (model Pii) collides with the PII template of "auth_users" (model User).',
        "Both would be written to auth_users_pii.sql.ejs: rename one with @@map, or stop exporting one of them.",
      ],
    ]);

    const long = await classifyText(
      schema(model("Long", "t".repeat(125), "auth"), { datasource: POSTGRES }),
      options("schema_prefixed"),
    );
    expect(long.errors.map((error) => [error.code, error.location.model])).toEqual([
      ["E_IDENTIFIER_INVALID", "Long"],
    ]);
  });
});

describe("findCommentAnnotations", () => {
  it("reports the line of the annotation inside a multi-line block comment, and the field below it", () => {
    const text =
      "model User {\n  id Int @id\n  /* notes\n     @classification restricted */\n  // another comment\n\n  email String\n}\n";
    expect(findCommentAnnotations([["/p/schema.prisma", text]])).toEqual([
      {
        file: "/p/schema.prisma",
        line: 4,
        written: "@classification",
        comment: "block",
        model: "User",
        field: "email",
      },
    ]);
  });

  it("names no model outside any block, and the enum for an enum value", () => {
    const text = "// @exportToAnalytics\n\nenum Role {\n  A // @classification public\n}\n";
    expect(
      findCommentAnnotations([["/p/a.prisma", text]]).map((found) => [found.line, found.model, found.field]),
    ).toEqual([
      [1, "enum Role", undefined],
      [4, "enum Role", undefined],
    ]);
  });
});
