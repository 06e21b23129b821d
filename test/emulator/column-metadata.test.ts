import { describe, expect, it } from "vitest";
import { tableColumnMetadata } from "../../src/emulator/column-metadata.js";

describe("tableColumnMetadata", () => {
  it("reads precision and scale from the type modifier, through a domain to its base type", () => {
    const column = (typeName: string, typmod: number, baseTypeName?: string) =>
      tableColumnMetadata({ name: "c", typeName, baseTypeName, typmod });
    expect(column("varchar", 104)).toMatchObject({ precision: 100, length: 100, isCaseSensitive: true });
    expect(column("varchar", -1)).toMatchObject({ precision: 2147483647, length: 2147483647 });
    expect(column("numeric", (10 << 16) + 2 + 4)).toMatchObject({ precision: 10, scale: 2, isSigned: true });
    expect(column("character_data", -1, "varchar")).toMatchObject({
      typeName: "character_data",
      precision: 2147483647,
    });
    expect(column("super", -1, "jsonb")).toMatchObject({ typeName: "super", precision: 0, isSigned: false });
  });
});
