/**
 * RFC 4180 CSV records with the physical line each starts on (for error
 * messages). Tolerates what spreadsheets produce: a UTF-8 BOM, CRLF or LF,
 * quoted fields with "" escapes and line breaks inside them, blank lines.
 */
export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = "CsvSyntaxError";
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const input = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedLine = 0;
  let fieldWasQuoted = false;

  const endField = () => {
    fields.push(fieldWasQuoted ? field : field.trim());
    field = "";
    fieldWasQuoted = false;
  };
  const endRecord = () => {
    endField();
    // A blank line is one empty unquoted field: skip it.
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
    fields = [];
  };

  for (let i = 0; i < input.length; i++) {
    const char = input[i]!;
    if (inQuotes) {
      if (char === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (char === "\n") line++;
        field += char;
      }
      continue;
    }
    if (char === '"') {
      if (field.trim() !== "") throw new CsvSyntaxError(line, `Line ${line}: a quote inside an unquoted field; wrap the whole field in quotes and double the quote.`);
      field = "";
      inQuotes = true;
      fieldWasQuoted = true;
      quotedLine = line;
    } else if (char === ",") {
      endField();
    } else if (char === "\r" || char === "\n") {
      if (char === "\r" && input[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (fieldWasQuoted) {
      if (char.trim() !== "") throw new CsvSyntaxError(line, `Line ${line}: text after a closing quote.`);
    } else {
      field += char;
    }
  }
  if (inQuotes) throw new CsvSyntaxError(quotedLine, `Line ${quotedLine}: a quoted field is never closed.`);
  if (field !== "" || fieldWasQuoted || fields.length > 0) endRecord();
  return records;
}

/** Quotes a value for CSV output when it needs it (and neutralises spreadsheet formulas). */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  // A leading =, +, - or @ makes spreadsheets evaluate the cell (CSV injection); numbers are safe.
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
