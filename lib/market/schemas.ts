import { z } from "zod";
import { addressSchema } from "../devices/schemas";
import { SERVICE_UNIT_NAMES } from "./service-units";

/** A metric name as devices report it (e.g. "pm25", "temperature"). */
export const metricSchema = z.string().trim().toLowerCase().regex(/^[a-z0-9_.-]{1,32}$/, "must be 1–32 of a–z, 0–9, _ . -");

/** An amount in the payment token's smallest unit, as a decimal string (JSON has no 64-bit integers). */
export const amountSchema = z
  .string()
  .regex(/^\d{1,30}$/, "must be a whole number of the token's smallest unit, as a string")
  .transform((value) => BigInt(value))
  .refine((value) => value > 0n, "must be more than 0");

const cellsSchema = z.array(z.string().min(1).max(20)).max(500);

const common = {
  title: z.string().trim().min(3).max(120),
  description: z.string().trim().max(4_000).default(""),
  price: amountSchema,
};

export const createListingSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("FEED"),
    ...common,
    devices: z.array(addressSchema).min(1).max(50),
    metrics: z.array(metricSchema).min(1).max(10),
    /** Empty: the area the devices reported from over the last week. */
    cells: cellsSchema.default([]),
  }),
  z.object({
    kind: z.literal("SERVICE"),
    ...common,
    devices: z.array(addressSchema).min(1).max(50),
    metrics: z.array(metricSchema).min(1).max(10),
    cells: cellsSchema.default([]),
    /** Only units the middleware can measure from verified telemetry, so every order can be attested (service-units.ts). */
    unit: z.string().trim().toLowerCase().pipe(z.enum(SERVICE_UNIT_NAMES, { error: `must be one of ${SERVICE_UNIT_NAMES.join(", ")}` })),
  }),
  z.object({
    kind: z.literal("DEVICE"),
    ...common,
    devices: z.array(addressSchema).length(1),
  }),
]);
export type CreateListingInput = z.output<typeof createListingSchema>;

export const LISTING_SORTS = ["newest", "price_asc", "price_desc"] as const;

export const browseListingsSchema = z.object({
  kind: z.enum(["FEED", "SERVICE", "DEVICE"]).optional(),
  metric: metricSchema.optional(),
  project: z.string().trim().min(1).max(100).optional(),
  minPrice: z.string().regex(/^\d{1,30}$/).transform(BigInt).optional(),
  maxPrice: z.string().regex(/^\d{1,30}$/).transform(BigInt).optional(),
  /** Any cell; listings whose area overlaps it match. */
  cell: z.string().min(1).max(20).optional(),
  seller: addressSchema.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(LISTING_SORTS).default("newest"),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
});
export type BrowseListingsQuery = z.output<typeof browseListingsSchema>;

export const createRequestSchema = z.object({
  title: z.string().trim().min(3).max(120),
  metric: metricSchema,
  cells: cellsSchema.min(1),
  deviceCount: z.number().int().min(1).max(1_000),
  durationDays: z.number().int().min(1).max(366),
  budget: amountSchema,
  /** ISO 8601; the request stops matching afterwards. */
  expiresAt: z.iso.datetime().transform((value) => new Date(value)),
});
export type CreateRequestInput = z.output<typeof createRequestSchema>;

/** Listing and request ids: random UUIDs. */
export const marketIdSchema = z.uuid();
