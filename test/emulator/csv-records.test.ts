import { describe, expect, it } from "vitest";
import { csvLine, csvRecords } from "../../src/emulator/csv-records.js";

describe("csvLine and csvRecords", () => {
  it("quotes what needs quoting, doubles quotes, leaves NULL empty", () => {
    expect(csvLine(["plain", "a,b", 'say "hi"', "two\nlines", null, ""])).toBe(
      'plain,"a,b","say ""hi""","two\nlines",,',
    );
  });

  it("ends every line, the header first when given", () => {
    expect(csvRecords(["1,a", "2,b"], "n,s")).toBe("n,s\n1,a\n2,b\n");
    expect(csvRecords(["3,c"], undefined)).toBe("3,c\n");
  });
});
