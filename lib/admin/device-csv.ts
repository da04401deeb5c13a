import { getAddress, isAddress, isHex, size, stringToHex, type Address, type Hex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { CsvSyntaxError, parseCsv } from "./csv";

/**
 * The device list an admin uploads before registering a batch: one device per
 * row with address, model, serial, firmware and an optional claim key (the
 * key's address, or its private key when labels are to be printed here).
 * Pure: the same report in the browser (before anything is sent) and in tests.
 */
export const MAX_DEVICES_PER_UPLOAD = 20_000;
export const MAX_SERIAL_LENGTH = 64;
export const MAX_FIRMWARE_LENGTH = 32;

export type Column = "address" | "model" | "serial" | "firmware" | "claimKey";
const DEFAULT_ORDER: Column[] = ["address", "model", "serial", "firmware", "claimKey"];

const HEADER_ALIASES: Record<string, Column> = {
  address: "address",
  device: "address",
  deviceaddress: "address",
  deviceid: "address",
  model: "model",
  devicemodel: "model",
  serial: "serial",
  serialnumber: "serial",
  serialno: "serial",
  sn: "serial",
  firmware: "firmware",
  firmwareversion: "firmware",
  fw: "firmware",
  fwversion: "firmware",
  claimkey: "claimKey",
  claimkeyaddress: "claimKey",
  claimprivatekey: "claimKey",
};

export interface DeviceRow {
  line: number;
  address: Address;
  model: string;
  serial: string | null;
  firmware: string | null;
  /** Address registered on-chain as the device's claim key, or null for none. */
  claimKey: Address | null;
  /** Present when the file carried the claim private key: the label can then hold it. */
  claimPrivateKey: Hex | null;
}

export interface RowIssue {
  /** 1-based line in the file; 0 for the file as a whole. */
  line: number;
  column?: Column;
  severity: "error" | "warning";
  message: string;
}

export interface DeviceCsvReport {
  /** Rows without errors, in file order (already-registered ones excluded). */
  rows: DeviceRow[];
  issues: RowIssue[];
  /** Rows that are already registered under this project: skipped, not an error (a resumed upload). */
  alreadyRegistered: number;
  totalRows: number;
}

export interface RegisteredLookup {
  /** Lowercase device address → on-chain project id it is registered under. */
  get(address: string): bigint | undefined;
}

const normaliseHeader = (cell: string) => cell.toLowerCase().replace(/[\s_\-.()#]/g, "");

function headerColumns(fields: string[]): Column[] | null {
  const columns = fields.map((cell) => HEADER_ALIASES[normaliseHeader(cell)]);
  if (!columns.includes("address")) return null;
  return columns.map((column, index) => column ?? (`ignored:${index}` as Column));
}

/** Accepts all-lowercase, all-uppercase or correctly checksummed; a mixed case that fails its checksum is likely a typo. */
function parseAddressCell(cell: string): { ok: true; address: Address } | { ok: false; message: string } {
  const value = cell.trim();
  if (value === "") return { ok: false, message: "The address is missing." };
  const prefixed = /^0X/.test(value) ? `0x${value.slice(2)}` : value;
  if (!/^0x[0-9a-fA-F]{40}$/.test(prefixed)) return { ok: false, message: `"${truncate(value)}" is not an address (0x followed by 40 hexadecimal characters).` };
  const body = prefixed.slice(2);
  const uniformCase = body === body.toLowerCase() || body === body.toUpperCase();
  if (!uniformCase && !isAddress(prefixed, { strict: true })) {
    return { ok: false, message: `${prefixed} has mixed upper and lower case that does not match its checksum: check it for a typo.` };
  }
  if (/^0{40}$/.test(body)) return { ok: false, message: "The zero address cannot be a device." };
  return { ok: true, address: getAddress(prefixed.toLowerCase()) };
}

function parseClaimKeyCell(cell: string): { ok: true; claimKey: Address | null; privateKey: Hex | null } | { ok: false; message: string } {
  const value = cell.trim();
  if (value === "") return { ok: true, claimKey: null, privateKey: null };
  const hex = (value.startsWith("0x") || value.startsWith("0X") ? `0x${value.slice(2)}` : `0x${value}`).toLowerCase();
  if (hex.length === 66 && isHex(hex, { strict: true })) {
    if (/^0x0+$/.test(hex)) return { ok: false, message: "The claim private key is zero." };
    try {
      const privateKey = hex as Hex;
      return { ok: true, claimKey: privateKeyToAddress(privateKey), privateKey };
    } catch {
      return { ok: false, message: "The claim private key is not a valid secp256k1 key." };
    }
  }
  const parsed = parseAddressCell(value);
  if (!parsed.ok) return { ok: false, message: `Claim key: ${parsed.message} (or a 32-byte private key).` };
  return { ok: true, claimKey: parsed.address, privateKey: null };
}

function truncate(text: string, max = 48): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The model is stored on-chain as bytes32 (UTF-8, right-padded). */
export function modelFitsOnChain(model: string): boolean {
  return size(stringToHex(model)) <= 32;
}

/**
 * Parses and validates an uploaded device list. `registered` is what the chain
 * (or its index) says about these addresses; `projectId` the on-chain id of the
 * project they are being registered under.
 */
export function validateDeviceCsv(text: string, options: { projectId: bigint; registered?: RegisteredLookup }): DeviceCsvReport {
  const issues: RowIssue[] = [];
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { rows: [], issues: [{ line: error.line, severity: "error", message: error.message }], alreadyRegistered: 0, totalRows: 0 };
    throw error;
  }
  if (records.length === 0) return { rows: [], issues: [{ line: 0, severity: "error", message: "The file has no rows." }], alreadyRegistered: 0, totalRows: 0 };

  const first = records[0]!;
  const header = headerColumns(first.fields);
  let columns = DEFAULT_ORDER;
  let dataRecords = records;
  if (header) {
    columns = header;
    dataRecords = records.slice(1);
    if (!header.includes("model")) issues.push({ line: first.line, severity: "error", message: 'The header has no "model" column.' });
  } else if (!/^0x/i.test(first.fields[0]?.trim() ?? "")) {
    issues.push({ line: first.line, severity: "error", message: 'The first line is neither a header (with an "address" column) nor a device row.' });
    return { rows: [], issues, alreadyRegistered: 0, totalRows: 0 };
  }
  if (dataRecords.length > MAX_DEVICES_PER_UPLOAD) {
    issues.push({ line: 0, severity: "error", message: `The file has ${dataRecords.length} devices; upload at most ${MAX_DEVICES_PER_UPLOAD} at a time.` });
    return { rows: [], issues, alreadyRegistered: 0, totalRows: dataRecords.length };
  }

  const rows: DeviceRow[] = [];
  const seenAddress = new Map<string, number>();
  const seenSerial = new Map<string, number>();
  let alreadyRegistered = 0;

  for (const record of dataRecords) {
    const cell = (column: Column) => {
      const index = columns.indexOf(column);
      return index >= 0 ? (record.fields[index] ?? "").trim() : "";
    };
    const rowIssues: RowIssue[] = [];
    const error = (column: Column, message: string) => rowIssues.push({ line: record.line, column, severity: "error", message });

    const address = parseAddressCell(cell("address"));
    if (!address.ok) error("address", address.message);
    const model = cell("model");
    if (model === "") error("model", "The model is missing.");
    else if (!modelFitsOnChain(model)) error("model", `The model "${truncate(model)}" is longer than 32 bytes, the most the chain stores.`);
    const serial = cell("serial");
    if (serial.length > MAX_SERIAL_LENGTH) error("serial", `The serial is longer than ${MAX_SERIAL_LENGTH} characters.`);
    const firmware = cell("firmware");
    if (firmware.length > MAX_FIRMWARE_LENGTH) error("firmware", `The firmware version is longer than ${MAX_FIRMWARE_LENGTH} characters.`);
    const claim = parseClaimKeyCell(cell("claimKey"));
    if (!claim.ok) error("claimKey", claim.message);

    if (address.ok) {
      const key = address.address.toLowerCase();
      const firstLine = seenAddress.get(key);
      if (firstLine !== undefined) error("address", `${address.address} is already on line ${firstLine}.`);
      else seenAddress.set(key, record.line);
      if (claim.ok && claim.claimKey?.toLowerCase() === key) error("claimKey", "The claim key must be a different key from the device's own.");
    }
    if (serial !== "") {
      const firstLine = seenSerial.get(serial.toLowerCase());
      if (firstLine !== undefined) error("serial", `Serial "${truncate(serial)}" is already on line ${firstLine}.`);
      else seenSerial.set(serial.toLowerCase(), record.line);
    }

    if (address.ok && rowIssues.length === 0) {
      const registeredUnder = options.registered?.get(address.address.toLowerCase());
      if (registeredUnder !== undefined) {
        if (registeredUnder === options.projectId) {
          alreadyRegistered++;
          rowIssues.push({ line: record.line, column: "address", severity: "warning", message: `${address.address} is already registered in this project: skipped.` });
        } else {
          error("address", `${address.address} is already registered in another project.`);
        }
      }
    }

    issues.push(...rowIssues);
    if (rowIssues.length === 0 && address.ok && claim.ok) {
      rows.push({
        line: record.line,
        address: address.address,
        model,
        serial: serial || null,
        firmware: firmware || null,
        claimKey: claim.claimKey,
        claimPrivateKey: claim.privateKey,
      });
    }
  }
  return { rows, issues, alreadyRegistered, totalRows: dataRecords.length };
}

export function hasErrors(report: DeviceCsvReport): boolean {
  return report.issues.some((issue) => issue.severity === "error");
}

/** Every syntactically valid device address in the file (lowercase), to ask the chain about. */
export function addressesIn(text: string): string[] {
  try {
    return [...new Set(parseCsv(text).flatMap((record) => record.fields.filter((cell) => /^0x[0-9a-f]{40}$/i.test(cell.trim())).map((cell) => cell.trim().toLowerCase())))];
  } catch {
    return [];
  }
}
