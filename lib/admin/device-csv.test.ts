import fc from "fast-check";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { csvField, parseCsv } from "./csv";
import { hasErrors, validateDeviceCsv } from "./device-csv";

const A = "0x1111111111111111111111111111111111111111";
const B = "0x2222222222222222222222222222222222222222";
const MIXED = getAddress("0xabcdefabcdefabcdefabcdefabcdefabcdef0001");
const project = { projectId: 1n };

describe("parseCsv", () => {
  it("strips a BOM, accepts CRLF and skips empty lines", () => {
    expect(parseCsv("\uFEFFa,b\r\n\r\nc,d\r\n")).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 3, fields: ["c", "d"] },
    ]);
  });

  it("reads quoted fields with commas, doubled quotes and line breaks, keeping line numbers", () => {
    expect(parseCsv('x,"a, ""b""\nc"\ny,z')).toEqual([
      { line: 1, fields: ["x", 'a, "b"\nc'] },
      { line: 3, fields: ["y", "z"] },
    ]);
  });

  it("rejects an unclosed quote with its line", () => {
    expect(() => parseCsv('a\n"b,c\nd')).toThrow(/Line 2/);
  });

  it("round-trips any table through csvField", () => {
    const cell = fc.string().filter((s) => !/^[=+\-@\t\r]/.test(s) && s.trim() === s && s !== "");
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (table) => {
        const text = table.map((row) => row.map(csvField).join(",")).join("\r\n");
        expect(parseCsv(text).map((r) => r.fields)).toEqual(table);
      }),
    );
  });

  it("neutralises spreadsheet formulas on export", () => {
    expect(csvField("=HYPERLINK()")).toBe("'=HYPERLINK()");
    expect(csvField(-3)).toBe("-3");
  });
});

describe("validateDeviceCsv", () => {
  it("accepts header variants in any order and case", () => {
    const report = validateDeviceCsv(`Serial Number,DEVICE_ADDRESS,Model,FW,Claim Key,Notes\nSN-1,${A},AQ v2,1.2.0,,ignored\n`, project);
    expect(report.issues).toEqual([]);
    expect(report.rows).toEqual([{ line: 2, address: getAddress(A), model: "AQ v2", serial: "SN-1", firmware: "1.2.0", claimKey: null, claimPrivateKey: null }]);
  });

  it("reads a file without a header in the documented column order", () => {
    const report = validateDeviceCsv(`${A},AQ,SN-1,1.0\n${B},AQ,SN-2,1.0`, project);
    expect(report.rows.map((r) => r.line)).toEqual([1, 2]);
    expect(hasErrors(report)).toBe(false);
  });

  it("accepts lowercase, uppercase and checksummed addresses but flags a broken checksum", () => {
    const upper = `0x${MIXED.slice(2).toUpperCase()}`;
    const broken = MIXED.slice(0, -4) + (MIXED.slice(-4) === MIXED.slice(-4).toLowerCase() ? "00aB" : "00ab");
    const text = ["address,model", `${MIXED.toLowerCase()},m`, `${B.toUpperCase().replace("0X", "0x")},m`, `${A},m`, `${upper.replace("0x", "0X")},m`, `${broken},m`].join("\n");
    const report = validateDeviceCsv(text, project);
    // Line 5 is line 2's address in upper case: a duplicate.
    expect(report.issues.map((i) => [i.line, i.column])).toEqual([
      [5, "address"],
      [6, "address"],
    ]);
    expect(report.issues[0]!.message).toMatch(/already on line 2/);
    expect(report.issues[1]!.message).toMatch(/checksum/);
  });

  it("reports every bad cell with its line number", () => {
    const text = [
      "address,model,serial,firmware,claim key",
      `nope,AQ,S1,1.0,`,
      `${A},,S2,1.0,`,
      `${B},${"x".repeat(33)},S3,1.0,`,
      "0x0000000000000000000000000000000000000000,AQ,S4,1.0,",
      `0x3333333333333333333333333333333333333333,AQ,S5,1.0,0x1234`,
      `0x4444444444444444444444444444444444444444,AQ,s5,1.0,`,
    ].join("\n");
    const report = validateDeviceCsv(text, project);
    expect(report.rows).toEqual([]);
    expect(report.issues.map((i) => `${i.line}:${i.column}`)).toEqual(["2:address", "3:model", "4:model", "5:address", "6:claimKey", "7:serial"]);
  });

  it("derives the claim key address from a private key and keeps it for labels", () => {
    const key = generatePrivateKey();
    const report = validateDeviceCsv(`address,model,claimKey\n${A},AQ,${key}`, project);
    expect(report.rows[0]).toMatchObject({ claimKey: privateKeyToAddress(key), claimPrivateKey: key });
  });

  it("skips devices already registered in this project and rejects those of another project", () => {
    const registered = new Map([
      [A, 1n],
      [B, 2n],
    ]);
    const report = validateDeviceCsv(`address,model\n${A},AQ\n${B},AQ`, { projectId: 1n, registered });
    expect(report.alreadyRegistered).toBe(1);
    expect(report.rows).toEqual([]);
    expect(report.issues.map((i) => [i.line, i.severity])).toEqual([
      [2, "warning"],
      [3, "error"],
    ]);
  });

  it("rejects a first line that is neither a header nor a device", () => {
    expect(hasErrors(validateDeviceCsv("hello,world\n", project))).toBe(true);
    expect(hasErrors(validateDeviceCsv("\n\n", project))).toBe(true);
  });

  it("never throws and never accepts a row it reported, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const report = validateDeviceCsv(`address,model\n${text}`, project);
        const badLines = new Set(report.issues.filter((i) => i.severity === "error").map((i) => i.line));
        expect(report.rows.every((row) => !badLines.has(row.line))).toBe(true);
      }),
    );
  });
});
