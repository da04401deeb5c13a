/**
 * The viewport request (bbox, zoom, metric, time window, project) and the
 * pure rules derived from it. Client-safe: the page builds its URLs with the
 * same schema the route validates.
 */
import { z } from "zod";

export const METRICS = {
  pm25: { label: "PM2.5", unit: "µg/m³", domain: [0, 75] },
  temperature: { label: "Temperature", unit: "°C", domain: [-10, 40] },
  humidity: { label: "Humidity", unit: "%RH", domain: [0, 100] },
  light: { label: "Light", unit: "lx", domain: [0, 20_000] },
  uptime: { label: "Uptime", unit: "%", domain: [0, 100] },
  density: { label: "Device density", unit: "devices", domain: [0, 50] },
} as const satisfies Record<string, { label: string; unit: string; domain: readonly [number, number] }>;

export type MetricKey = keyof typeof METRICS;
export const METRIC_KEYS = Object.keys(METRICS) as [MetricKey, ...MetricKey[]];

export const WINDOWS = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 } as const;
export type TimeWindow = keyof typeof WINDOWS;
export const WINDOW_KEYS = Object.keys(WINDOWS) as [TimeWindow, ...TimeWindow[]];

/** From this zoom on the viewport returns individual devices instead of hexagons. */
export const DEVICE_ZOOM = 10;
/** Most devices one response carries; beyond it the client is told to zoom in. */
export const MAX_DEVICES = 5_000;

const longitude = z.coerce.number().min(-180).max(180);
const latitude = z.coerce.number().min(-90).max(90);

export const viewportQuerySchema = z
  .object({
    west: longitude,
    south: latitude,
    east: longitude,
    north: latitude,
    zoom: z.coerce.number().min(0).max(24),
    metric: z.enum(METRIC_KEYS).default("pm25"),
    window: z.enum(WINDOW_KEYS).default("24h"),
    project: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/)
      .optional(),
    /** Playback: the start of one frame of the window (see playbackFrames); hexagons for that frame only. */
    frame: z.iso.datetime().transform((value) => new Date(value)).optional(),
  })
  .refine((q) => q.south <= q.north, { message: "south must not be north of north", path: ["south"] });

export type ViewportQuery = z.infer<typeof viewportQuerySchema>;

/**
 * H3 resolution of the hexagons for a zoom level: about 10–40 px per hexagon
 * on screen at every zoom, never finer than the public res-7 cell.
 */
export function resolutionForZoom(zoom: number): 2 | 3 | 4 | 5 | 6 | 7 {
  if (zoom < 3) return 2;
  if (zoom < 4.5) return 3;
  if (zoom < 6) return 4;
  if (zoom < 7.5) return 5;
  if (zoom < 9) return 6;
  return 7;
}

/**
 * Longitude ranges the bbox covers: one normally, two when it crosses the
 * antimeridian (west > east), the whole world when it spans 360°.
 */
export function longitudeRanges(west: number, east: number): Array<[number, number]> {
  if (east - west >= 360) return [[-180, 180]];
  if (west <= east) return [[west, east]];
  return [
    [west, 180],
    [-180, east],
  ];
}

/** Playback frame length per window: 5-minute frames over an hour, hourly over a day, 6-hourly over a week. */
export const FRAME_MS: Record<TimeWindow, number> = { "1h": 5 * 60_000, "24h": 3_600_000, "7d": 6 * 3_600_000 };

/** The frame (of `window`'s length) that contains `at`: frames start on UTC multiples of their length. */
export function frameStart(window: TimeWindow, at: Date): Date {
  const step = FRAME_MS[window];
  return new Date(Math.floor(at.getTime() / step) * step);
}

/**
 * Frame start times stepping through the window, oldest first. The last frame
 * is the current one for 5-minute frames (read from raw readings), and the last
 * finished one for hourly and 6-hourly frames (read from finished DeviceHour rows).
 */
export function playbackFrames(window: TimeWindow, now: Date): Date[] {
  const step = FRAME_MS[window];
  const last = frameStart(window, now).getTime() - (window === "1h" ? 0 : step);
  const count = Math.round(WINDOWS[window] / step);
  return Array.from({ length: count }, (_, i) => new Date(last - (count - 1 - i) * step));
}
