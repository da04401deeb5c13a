import { EARTH_RADIUS_METERS, haversineMeters } from "../aggregates/geo";
import type { DeviceReading } from "../aggregates/reading";
import type { QualityConfig } from "./config";
import type { Finding } from "./finding";
import { formatNumber, formatTime, shortAddress } from "./format";

interface Point {
  device: number;
  at: number;
  lat: number;
  lon: number;
}

interface Coincidence {
  minutes: Set<number>;
  first: number;
  last: number;
}

const METERS_PER_DEGREE = (Math.PI / 180) * EARTH_RADIUS_METERS;
const MINUTE_MS = 60_000;

/**
 * Spoofing across a fleet: two devices reporting the same position (within
 * withinMeters) at the same time (within withinMs), in at least
 * minCoincidentMinutes different minutes. One real device cannot be in two
 * places, and two devices are not in one place by accident that often: the
 * track is replayed, or devices are stacked to earn twice for one spot.
 *
 * Returns findings per flagged device (one per other device it shares with),
 * keys sorted. Points are bucketed in a time × space grid whose cells are
 * twice the tolerances, so each point looks at 8 buckets, not every device.
 * (Tracks crossing the ±180° meridian are not matched across it.)
 */
export function detectSharedPositions(
  readingsByDevice: ReadonlyMap<string, readonly DeviceReading[]>,
  config: QualityConfig["shared"],
): Map<string, Finding[]> {
  const devices = [...readingsByDevice.keys()].sort();
  const points = devices.flatMap((device, index) =>
    (readingsByDevice.get(device) ?? []).flatMap((r): Point[] =>
      r.lat === undefined || r.lon === undefined ? [] : [{ device: index, at: r.measuredAt, lat: r.lat, lon: r.lon }],
    ),
  );
  const grid = new SpaceTimeGrid(config.withinMeters * 2, config.withinMs * 2);
  for (const point of points) grid.add(point);

  const pairs = new Map<number, Coincidence>();
  for (const point of points) {
    grid.forNeighbours(point, (other) => {
      if (other.device <= point.device) return; // each pair once, from its lower device
      if (Math.abs(other.at - point.at) > config.withinMs) return;
      if (haversineMeters(point.lat, point.lon, other.lat, other.lon) > config.withinMeters) return;
      const key = point.device * devices.length + other.device;
      const at = Math.min(point.at, other.at);
      const pair = pairs.get(key) ?? { minutes: new Set<number>(), first: at, last: at };
      pair.minutes.add(Math.floor(at / MINUTE_MS));
      pair.first = Math.min(pair.first, at);
      pair.last = Math.max(pair.last, at);
      pairs.set(key, pair);
    });
  }

  const findings = new Map<string, Finding[]>();
  const flag = (device: string, other: string, pair: Coincidence) => {
    const list = findings.get(device) ?? [];
    list.push({
      check: "shared-position",
      severity: "critical",
      penalty: config.penalty,
      reason:
        `reported the same position as device ${shortAddress(other)} (within ${formatNumber(config.withinMeters)} m and ` +
        `${formatNumber(config.withinMs / 1000)} s) in ${formatNumber(pair.minutes.size)} different minutes between ` +
        `${formatTime(pair.first)} and ${formatTime(pair.last)}; devices that replay one track or sit stacked in one place ` +
        `look like copied data`,
      at: new Date(pair.first),
    });
    findings.set(device, list);
  };
  for (const key of [...pairs.keys()].sort((a, b) => a - b)) {
    const pair = pairs.get(key) as Coincidence;
    if (pair.minutes.size < config.minCoincidentMinutes) continue;
    const a = devices[Math.floor(key / devices.length)] as string;
    const b = devices[key % devices.length] as string;
    flag(a, b, pair);
    flag(b, a, pair);
  }
  return new Map([...findings.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Buckets points by time slot, grid row and grid column, cells about
 * `cellMeters` wide. Nested maps keep every key a small integer (fast to hash).
 */
class SpaceTimeGrid {
  private readonly slots = new Map<number, Map<number, Map<number, Point[]>>>();
  private readonly rowDegrees: number;

  constructor(
    cellMeters: number,
    private readonly slotMs: number,
  ) {
    this.rowDegrees = cellMeters / METERS_PER_DEGREE;
  }

  add(point: Point): void {
    const slot = Math.floor(point.at / this.slotMs);
    const row = Math.floor(point.lat / this.rowDegrees);
    const col = Math.floor(point.lon / this.colDegrees(row));
    let rows = this.slots.get(slot);
    if (!rows) this.slots.set(slot, (rows = new Map()));
    let cols = rows.get(row);
    if (!cols) rows.set(row, (cols = new Map()));
    const bucket = cols.get(col);
    if (bucket) bucket.push(point);
    else cols.set(col, [point]);
  }

  /**
   * Cells are twice the tolerance, so anything within tolerance lies in this
   * cell or the neighbour on the nearer side: 2 slots × 2 rows × 2 columns.
   */
  forNeighbours(point: Point, visit: (other: Point) => void): void {
    const slotPosition = point.at / this.slotMs;
    const slot = Math.floor(slotPosition);
    const rowPosition = point.lat / this.rowDegrees;
    const row = Math.floor(rowPosition);
    for (let s = 0; s < 2; s++) {
      const rows = this.slots.get(s === 0 ? slot : nearer(slotPosition, slot));
      if (!rows) continue;
      for (let r = 0; r < 2; r++) {
        const rowIndex = r === 0 ? row : nearer(rowPosition, row);
        const cols = rows.get(rowIndex);
        if (!cols) continue;
        const colPosition = point.lon / this.colDegrees(rowIndex);
        const col = Math.floor(colPosition);
        for (let c = 0; c < 2; c++) {
          const bucket = cols.get(c === 0 ? col : nearer(colPosition, col));
          if (bucket) for (const other of bucket) visit(other);
        }
      }
    }
  }

  /** Column width of a row in degrees of longitude, measured at its poleward edge (never too narrow). */
  private colDegrees(row: number): number {
    const poleward = Math.min(90, Math.max(Math.abs(row), Math.abs(row + 1)) * this.rowDegrees);
    return this.rowDegrees / Math.max(Math.cos((poleward * Math.PI) / 180), 1e-6);
  }
}

/** The neighbouring index on the side of `position` nearer to it. */
const nearer = (position: number, index: number): number => (position - index < 0.5 ? index - 1 : index + 1);
