import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAmount } from "./format";
import { fieldErrors, listingFormSchema, parseDusd, requestFormSchema, splitCells } from "./forms";
import { createListingSchema, createRequestSchema } from "./schemas";

describe("parseDusd", () => {
  it("reads decimals into smallest units and refuses what is not a positive amount", () => {
    expect(parseDusd("12.5")).toBe(12_500_000n);
    expect(parseDusd(" 3 ")).toBe(3_000_000n);
    expect(parseDusd("0.000001")).toBe(1n);
    for (const bad of ["", "0", "0.0", "-1", "1.0000001", "1e6", "1,5", "abc", "."]) expect(parseDusd(bad)).toBeNull();
  });

  it("is the inverse of formatAmount for every amount", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 24n }), (amount) => {
        expect(parseDusd(formatAmount(amount).replace(" dUSD", "").replaceAll(",", ""))).toBe(amount);
      }),
    );
  });
});

describe("listing form", () => {
  const device = "0x00000000000000000000000000000000000000aa";

  it("turns a feed form into a body the API accepts", () => {
    const body = listingFormSchema.parse({ kind: "FEED", title: "PM2.5 Berlin", description: "", price: "30", devices: [device], metrics: ["pm25"], cells: "871f1d489ffffff, 871f1d48bffffff" });
    expect(body).toMatchObject({ price: "30000000", cells: ["871f1d489ffffff", "871f1d48bffffff"] });
    expect(createListingSchema.parse(body).price).toBe(30_000_000n);
  });

  it("says what is wrong per field", () => {
    const result = listingFormSchema.safeParse({ kind: "SERVICE", title: "x", description: "", price: "1.1234567", devices: [], metrics: [], cells: "nope", unit: "Kilo Watt" });
    expect(result.success).toBe(false);
    const errors = fieldErrors(result.error!);
    expect(Object.keys(errors).sort()).toEqual(["cells", "devices", "metrics", "price", "title", "unit"]);
    expect(errors.price).toMatch(/at most 6 decimals/);
  });

  it("sells exactly one device", () => {
    expect(listingFormSchema.safeParse({ kind: "DEVICE", title: "My sensor", description: "", price: "100", devices: [device, device] }).success).toBe(false);
  });
});

describe("request form", () => {
  const now = new Date("2026-11-25T12:00:00Z");
  const valid = { title: "PM2.5 in Mitte", metric: "pm25", cells: "871f1d489ffffff", deviceCount: "3", durationDays: "30", budget: "90", expiresOn: "2026-12-31" };

  it("turns the form into a body the API accepts, the expiry at the end of the chosen day", () => {
    const body = requestFormSchema(now).parse(valid);
    expect(body).toMatchObject({ deviceCount: 3, durationDays: 30, budget: "90000000", expiresAt: "2026-12-31T23:59:59.000Z" });
    expect(createRequestSchema.parse(body).budget).toBe(90_000_000n);
  });

  it("refuses an expiry in the past and an empty area", () => {
    const errors = fieldErrors(requestFormSchema(now).safeParse({ ...valid, cells: " ", expiresOn: "2026-11-24" }).error!);
    expect(errors.cells).toMatch(/at least one cell/);
    expect(errors.expiresOn).toMatch(/future/);
  });
});

describe("splitCells", () => {
  it("accepts any separator and drops duplicates", () => {
    expect(splitCells("A, b\nc;a  ")).toEqual(["a", "b", "c"]);
  });
});
