import { z } from "zod";
import { STABLECOIN_DECIMALS } from "./format";
import { metricSchema } from "./schemas";
import { SERVICE_UNIT_NAMES } from "./service-units";

/**
 * The browser's "new listing" and "new request" forms: what a person types
 * (dUSD with decimals, comma-separated cells, dates) checked with messages a
 * person can act on, and turned into the JSON bodies of POST
 * /api/market/listings and /api/market/requests (amounts in smallest units).
 */

/** "12.5" dUSD → 12500000n; null when it is not a positive amount with at most 6 decimals. */
export function parseDusd(text: string, decimals = STABLECOIN_DECIMALS): bigint | null {
  const match = /^(\d{1,24})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = match[2] ?? "";
  if (fraction.length > decimals) return null;
  const value = BigInt(match[1] as string) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  return value > 0n ? value : null;
}

const dusdField = z
  .string()
  .trim()
  .min(1, "Enter a price")
  .refine((text) => parseDusd(text) !== null, "Enter a positive dUSD amount with at most 6 decimals, e.g. 12.50")
  .transform((text) => (parseDusd(text) as bigint).toString());

/** Cells typed or picked: separated by commas, spaces or new lines. */
export function splitCells(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((cell) => cell.trim().toLowerCase()).filter(Boolean))];
}

const cellsField = z
  .string()
  .transform(splitCells)
  .pipe(z.array(z.string().regex(/^[0-9a-f]{15}$/, "H3 cells are 15 hexadecimal characters, e.g. 871f1d489ffffff")).max(500, "At most 500 cells"));

const title = z.string().trim().min(3, "The title needs at least 3 characters").max(120, "At most 120 characters");
const description = z.string().trim().max(4_000, "At most 4,000 characters");
const devicesField = z.array(z.string()).min(1, "Pick at least one of your devices").max(50, "At most 50 devices");
const metricsField = z.array(metricSchema).min(1, "Pick at least one metric").max(10, "At most 10 metrics");

export const listingFormSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("FEED"), title, description, price: dusdField, devices: devicesField, metrics: metricsField, cells: cellsField }),
  z.object({
    kind: z.literal("SERVICE"),
    title,
    description,
    price: dusdField,
    devices: devicesField,
    metrics: metricsField,
    cells: cellsField,
    unit: z.enum(SERVICE_UNIT_NAMES, "Pick a unit the hub can measure"),
  }),
  z.object({ kind: z.literal("DEVICE"), title, description, price: dusdField, devices: z.array(z.string()).length(1, "Pick the one device to sell") }),
]);
export type ListingFormInput = z.input<typeof listingFormSchema>;
/** The body of POST /api/market/listings. */
export type ListingBody = z.output<typeof listingFormSchema>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The request form; `now` decides whether the expiry lies in the future. */
export function requestFormSchema(now: Date) {
  return z.object({
    title,
    metric: metricSchema,
    cells: cellsField.pipe(z.array(z.string()).min(1, "Pick at least one cell on the map or type one")),
    deviceCount: z.coerce.number({ message: "Enter a number" }).int("Whole devices only").min(1, "At least 1 device").max(1_000, "At most 1,000 devices"),
    durationDays: z.coerce.number({ message: "Enter a number" }).int("Whole days only").min(1, "At least 1 day").max(366, "At most 366 days"),
    budget: dusdField,
    /** yyyy-mm-dd from a date input: the request stops matching at the end of that day (UTC). */
    expiresOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Pick an expiry date")
      .transform((day) => new Date(`${day}T23:59:59.000Z`))
      .refine((date) => !Number.isNaN(date.getTime()) && date > now, "The expiry must be in the future")
      .refine((date) => date.getTime() - now.getTime() <= 366 * DAY_MS, "At most a year ahead"),
  }).transform(({ expiresOn, ...rest }) => ({ ...rest, expiresAt: expiresOn.toISOString() }));
}
export type RequestBody = z.output<ReturnType<typeof requestFormSchema>>;

/** zod issues as the first message per field, for showing next to each input. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return errors;
}
