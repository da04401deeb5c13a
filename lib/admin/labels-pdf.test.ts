import { PDFDocument } from "pdf-lib";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { claimLabelsPdf, LABELS_PER_PAGE } from "./labels-pdf";

const label = (serial: string | null) => {
  const claimPrivateKey = generatePrivateKey();
  return { device: privateKeyToAddress(generatePrivateKey()), claimPrivateKey, model: "AQ-Tracker v2", serial };
};

describe("claimLabelsPdf", () => {
  it("lays out fifteen labels per A4 page", async () => {
    const bytes = await claimLabelsPdf(Array.from({ length: LABELS_PER_PAGE + 1 }, (_, i) => label(`SN-${i}`)));
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(2);
    expect(pdf.getTitle()).toBe("DePIN Hub claim labels");
    // Sixteen QR codes take a few seconds on a busy 2-core machine: not a performance assertion.
  }, 60_000);

  it("prints serials outside Helvetica's character set instead of failing", async () => {
    const bytes = await claimLabelsPdf([label("序列号-1"), label(null)]);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(1);
  });
});
