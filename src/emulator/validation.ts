import { ApiError } from "./api-error.js";
import { type MemberShape, REQUEST_SHAPES, type StructureShape } from "./request-shapes.js";

type Body = Readonly<Record<string, unknown>>;

/**
 * Checks a request body against its operation's shape in the service model, the way AWS JSON services
 * answer: a member of the wrong JSON type is a `SerializationException` (the body cannot be read into
 * the shape); every broken constraint is listed in one `ValidationException`, worded as the services'
 * request validation words it: `2 validation errors detected: Value null at 'sql' failed to satisfy
 * constraint: Member must not be null; Value 'X' at 'clusterIdentifier' failed to satisfy constraint:
 * Member must satisfy regular expression pattern: …` (members named in lower camel case, list items
 * as `<list>.<n>.member`, counted from 1). Members the model does not have are ignored, as by the
 * service's JSON reader.
 */
export function validateRequest(operation: string, body: Body): void {
  const shape = REQUEST_SHAPES[operation];
  if (shape === undefined) return;
  const violations: string[] = [];
  checkStructure(shape, body, "", violations);
  if (violations.length > 0) {
    const count = violations.length === 1 ? "1 validation error" : `${violations.length} validation errors`;
    throw new ApiError("ValidationException", `${count} detected: ${violations.join("; ")}`);
  }
}

/** A ValidationException in the services' request-validation wording, for checks the shapes cannot state. */
export function constraintViolation(value: unknown, member: string, constraint: string): ApiError {
  return new ApiError(
    "ValidationException",
    `1 validation error detected: ${describeViolation(value, member, constraint)}`,
  );
}

function checkStructure(shape: StructureShape, value: Body, path: string, violations: string[]): void {
  for (const [name, member] of Object.entries(shape.members)) {
    const memberPath = `${path}${lowerCamel(name)}`;
    const memberValue = value[name];
    if (memberValue === undefined || memberValue === null) {
      if (shape.required?.includes(name) === true) {
        violations.push(describeViolation(null, memberPath, "Member must not be null"));
      }
      continue;
    }
    checkMember(member, memberValue, memberPath, violations);
  }
}

function checkMember(shape: MemberShape, value: unknown, path: string, violations: string[]): void {
  const violate = (constraint: string) => violations.push(describeViolation(value, path, constraint));
  switch (shape.type) {
    case "string": {
      if (typeof value !== "string") throw notReadable(path, "a string");
      const length = [...value].length;
      if (shape.min !== undefined && length < shape.min) {
        violate(`Member must have length greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && length > shape.max) {
        violate(`Member must have length less than or equal to ${shape.max}`);
      }
      if (shape.pattern !== undefined && !new RegExp(`^(?:${shape.pattern})$`).test(value)) {
        violate(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      if (shape.enum !== undefined && !shape.enum.includes(value)) {
        violate(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
      }
      return;
    }
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) throw notReadable(path, "an integer");
      if (value < shape.min) violate(`Member must have value greater than or equal to ${shape.min}`);
      if (value > shape.max) violate(`Member must have value less than or equal to ${shape.max}`);
      return;
    case "boolean":
      if (typeof value !== "boolean") throw notReadable(path, "a boolean");
      return;
    case "list":
      if (!Array.isArray(value)) throw notReadable(path, "a list");
      if (shape.min !== undefined && value.length < shape.min) {
        violate(`Member must have length greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && value.length > shape.max) {
        violate(`Member must have length less than or equal to ${shape.max}`);
      }
      value.forEach((item: unknown, index) => {
        const itemPath = `${path}.${index + 1}.member`;
        if (item === null || item === undefined) {
          violations.push(describeViolation(null, itemPath, "Member must not be null"));
        } else {
          checkMember(shape.member, item, itemPath, violations);
        }
      });
      return;
    case "structure":
      if (typeof value !== "object" || Array.isArray(value)) throw notReadable(path, "an object");
      checkStructure(shape, value as Body, `${path}.`, violations);
      return;
  }
}

const SHOWN_VALUE_LENGTH = 200;

function describeViolation(value: unknown, member: string, constraint: string): string {
  const shown = value === null || value === undefined ? "null" : `'${shownValue(value)}'`;
  return `Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`;
}

/** Lists print as `[a, b]`, as the services print them; long values are cut, a statement may be 100 KB. */
function shownValue(value: unknown): string {
  const text = Array.isArray(value)
    ? `[${value.map((item) => (typeof item === "string" ? item : JSON.stringify(item))).join(", ")}]`
    : typeof value === "string"
      ? value
      : JSON.stringify(value);
  return text.length > SHOWN_VALUE_LENGTH ? `${text.slice(0, SHOWN_VALUE_LENGTH)}…` : text;
}

function notReadable(member: string, expected: string): ApiError {
  return new ApiError("SerializationException", `'${member}' must be ${expected}.`);
}

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
