import { PDFDocument, StandardFonts, fill, popGraphicsState, pushGraphicsState, rectangle, rgb, setFillingColor, type PDFFont, type PDFPage } from "pdf-lib";
import QRCode from "qrcode";
import type { Address, Hex } from "viem";
import { formatClaimLabel } from "@/lib/devices/claim-label";

/**
 * Printable claim labels: an A4 sheet of 3 × 5 labels, each a QR code of the
 * claim label (lib/devices/claim-label) with the model, serial and device
 * address in text. Runs in the browser so the claim keys never reach the
 * server; vector QR modules keep the codes sharp at any printer resolution.
 */
export interface LabelInput {
  device: Address;
  claimPrivateKey: Hex;
  model: string;
  serial: string | null;
}

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 28;
const COLUMNS = 3;
const ROWS = 5;
export const LABELS_PER_PAGE = COLUMNS * ROWS;

/** Helvetica in a PDF speaks WinAnsi only: anything else becomes "?" rather than failing the whole sheet. */
function printable(text: string, font: PDFFont): string {
  try {
    font.encodeText(text);
    return text;
  } catch {
    // Fall through: replace only the characters the font lacks.
  }
  return [...text].map((char) => {
    try {
      font.encodeText(char);
      return char;
    } catch {
      return "?";
    }
  }).join("");
}

function fit(text: string, font: PDFFont, size: number, width: number): string {
  let result = text;
  while (result.length > 1 && font.widthOfTextAtSize(result, size) > width) result = result.slice(0, -2) + "…";
  return result;
}

/** Dark modules of a QR code merged into horizontal runs: [column, row, length], row 0 at the top. */
export function qrRuns(text: string): { runs: Array<[number, number, number]>; modules: number } {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const count = qr.modules.size;
  const runs: Array<[number, number, number]> = [];
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (!qr.modules.get(row, col)) continue;
      let end = col;
      while (end + 1 < count && qr.modules.get(row, end + 1)) end++;
      runs.push([col, row, end - col + 1]);
      col = end;
    }
  }
  return { runs, modules: count };
}

/** Raw rectangle operators and one fill: drawRectangle/drawSvgPath per module made a sheet take seconds. */
function drawQr(page: PDFPage, text: string, x: number, y: number, size: number): void {
  const { runs, modules } = qrRuns(text);
  const cell = size / modules;
  page.pushOperators(
    pushGraphicsState(),
    setFillingColor(rgb(0, 0, 0)),
    ...runs.map(([col, row, length]) => rectangle(x + col * cell, y + size - (row + 1) * cell, length * cell, cell)),
    fill(),
    popGraphicsState(),
  );
}

export async function claimLabelsPdf(labels: readonly LabelInput[], title = "DePIN Hub claim labels"): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(title);
  pdf.setCreator("DePIN Hub");
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const cellW = (PAGE.width - 2 * MARGIN) / COLUMNS;
  const cellH = (PAGE.height - 2 * MARGIN) / ROWS;
  const qrSize = Math.min(cellW, cellH) - 52;
  let page: PDFPage | undefined;
  labels.forEach((label, index) => {
    const slot = index % LABELS_PER_PAGE;
    if (slot === 0) page = pdf.addPage([PAGE.width, PAGE.height]);
    const x = MARGIN + (slot % COLUMNS) * cellW;
    const top = PAGE.height - MARGIN - Math.floor(slot / COLUMNS) * cellH;
    page!.drawRectangle({ x: x + 2, y: top - cellH + 2, width: cellW - 4, height: cellH - 4, borderColor: rgb(0.75, 0.75, 0.75), borderWidth: 0.5, borderDashArray: [3, 3] });
    drawQr(page!, formatClaimLabel({ device: label.device, claimPrivateKey: label.claimPrivateKey }), x + (cellW - qrSize) / 2, top - 8 - qrSize, qrSize);
    const textWidth = cellW - 16;
    const lines: Array<[string, PDFFont, number]> = [
      [fit(printable(label.model, bold), bold, 9, textWidth), bold, 9],
      [fit(printable(label.serial ? `S/N ${label.serial}` : "S/N —", font), font, 8, textWidth), font, 8],
      [fit(label.device, font, 6, textWidth), font, 6],
    ];
    lines.forEach(([text, lineFont, size], line) => {
      page!.drawText(text, { x: x + (cellW - lineFont.widthOfTextAtSize(text, size)) / 2, y: top - 20 - qrSize - line * 11, size, font: lineFont });
    });
  });
  if (labels.length === 0) pdf.addPage([PAGE.width, PAGE.height]);
  return pdf.save();
}
