import { z } from "zod";

/**
 * The fleet table's view: filters, sort and page. One schema for the URL
 * (saved views are URLs), the API route and the export, so they always agree.
 */
export const FLEET_SORTS = ["address", "serial", "model", "firmware", "status", "lastSeen", "quality", "battery", "owner", "claimed", "active", "earnings"] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];
export const FLEET_STATUSES = ["online", "stale", "offline"] as const;
export const MAX_PAGE_SIZE = 500;

const boolParam = z.enum(["true", "false"]).transform((value) => value === "true");
const emptyToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

export const fleetQuerySchema = z.object({
  page: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1_000_000).default(1)),
  pageSize: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100)),
  sort: z.preprocess(emptyToUndefined, z.enum(FLEET_SORTS).default("address")),
  dir: z.preprocess(emptyToUndefined, z.enum(["asc", "desc"]).default("asc")),
  /** Free text: address (prefix), serial, model, firmware or owner (substring). */
  q: z.preprocess(emptyToUndefined, z.string().trim().max(100).optional()),
  status: z.preprocess(emptyToUndefined, z.enum(FLEET_STATUSES).optional()),
  active: z.preprocess(emptyToUndefined, boolParam.optional()),
  claimed: z.preprocess(emptyToUndefined, boolParam.optional()),
  firmware: z.preprocess(emptyToUndefined, z.string().trim().max(32).optional()),
  /** Latest hour's quality score strictly below this. */
  qualityBelow: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(101).optional()),
  /** Latest hour's mean battery strictly below this (percent). */
  batteryBelow: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(101).optional()),
});

export type FleetQuery = z.output<typeof fleetQuerySchema>;

export function parseFleetQuery(params: URLSearchParams | Record<string, string | string[] | undefined>): FleetQuery {
  const entries =
    params instanceof URLSearchParams
      ? Object.fromEntries(params.entries())
      : Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
  return fleetQuerySchema.parse(entries);
}

/** The URL query of a view, leaving defaults out so saved links stay short. */
export function fleetQueryString(query: Partial<FleetQuery>): string {
  const defaults = fleetQuerySchema.parse({});
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (defaults[key as keyof FleetQuery] === value) continue;
    params.set(key, String(value));
  }
  return params.toString();
}

export interface FleetRow {
  address: string;
  serial: string | null;
  model: string;
  firmware: string | null;
  active: boolean;
  owner: string | null;
  claimedAt: string | null;
  lastSeenAt: string | null;
  status: (typeof FLEET_STATUSES)[number];
  quality: number | null;
  battery: number | null;
  /** Cumulative reward (token base units, decimal) as of the project's latest finalized epoch; null if not in it. */
  earned: string | null;
  /** What that epoch paid the device (base units, decimal). */
  lastEpochEarned: string | null;
}

export interface FleetPage {
  rows: FleetRow[];
  total: number;
  page: number;
  pageSize: number;
}

export const FLEET_CSV_COLUMNS: Array<{ key: keyof FleetRow; header: string }> = [
  { key: "address", header: "address" },
  { key: "serial", header: "serial" },
  { key: "model", header: "model" },
  { key: "firmware", header: "firmware" },
  { key: "active", header: "active" },
  { key: "status", header: "status" },
  { key: "lastSeenAt", header: "last_seen_at" },
  { key: "quality", header: "quality" },
  { key: "battery", header: "battery_pct" },
  { key: "owner", header: "owner" },
  { key: "claimedAt", header: "claimed_at" },
  { key: "earned", header: "earned_cumulative_base_units" },
  { key: "lastEpochEarned", header: "earned_last_epoch_base_units" },
];
