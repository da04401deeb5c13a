import { offsetMetres, type LatLon } from "./geo";
import type { Rng } from "./random";

/**
 * A closed loop along a street grid: straight blocks joined at right angles,
 * which is how people, bikes and cars move through most city centres. The
 * loop is stored in local metres (east, north) around its origin so that
 * interpolating along it is exact and cheap.
 */
export interface Route {
  origin: LatLon;
  /** Vertices in metres east/north of origin; the last equals the first (closed). */
  points: ReadonlyArray<readonly [number, number]>;
  /** Distance from the start to each vertex, metres. */
  cumulative: readonly number[];
  lengthM: number;
}

export interface RouteSpec {
  home: LatLon;
  gridAngleDeg: number;
  blockM: number;
  /** The loop is built until roughly this long. */
  targetLengthM: number;
  /** Keeps the loop near home (the city radius). */
  maxRadiusM: number;
}

const DIRECTIONS = [
  [0, 1],
  [1, 0],
  [0, -1],
  [-1, 0],
] as const;

export function buildLoopRoute(rng: Rng, spec: RouteSpec): Route {
  const angle = (spec.gridAngleDeg * Math.PI) / 180;
  // Grid coordinates in blocks; turned into metres (rotated by the grid angle) at the end.
  const grid: Array<[number, number]> = [[0, 0]];
  let x = 0;
  let y = 0;
  let previous = -1;
  let walkedM = 0;
  const maxBlocks = spec.maxRadiusM / spec.blockM;
  let refused = 0;
  while (walkedM < spec.targetLengthM / 2) {
    let direction = rng.int(0, 3);
    if (direction === (previous + 2) % 4) direction = (direction + 1) % 4; // no U-turns
    let blocks = rng.int(1, 4);
    // Turn back toward home rather than leaving the city; at the edge every
    // allowed turn may lead out, so after a few refusals head one block home.
    if (refused >= 8) {
      direction = Math.abs(x) >= Math.abs(y) ? (x > 0 ? 3 : 1) : y > 0 ? 2 : 0;
      blocks = 1;
    }
    const [dx, dy] = DIRECTIONS[direction] ?? [0, 1];
    if (refused < 8 && Math.hypot(x + dx * blocks, y + dy * blocks) > maxBlocks) {
      refused++;
      continue;
    }
    refused = 0;
    x += dx * blocks;
    y += dy * blocks;
    walkedM += blocks * spec.blockM;
    grid.push([x, y]);
    previous = direction;
  }
  // Home along the grid: first one axis, then the other.
  if (x !== 0 && y !== 0) grid.push([0, y]);
  grid.push([0, 0]);

  const points = grid.map(([gx, gy]): readonly [number, number] => {
    const east = gx * spec.blockM;
    const north = gy * spec.blockM;
    return [east * Math.cos(angle) + north * Math.sin(angle), -east * Math.sin(angle) + north * Math.cos(angle)];
  });
  const cumulative = [0];
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1] ?? [0, 0];
    const [bx, by] = points[i] ?? [0, 0];
    cumulative.push((cumulative[i - 1] ?? 0) + Math.hypot(bx - ax, by - ay));
  }
  return { origin: spec.home, points, cumulative, lengthM: cumulative[cumulative.length - 1] ?? 0 };
}

export interface RoutePoint extends LatLon {
  /** Direction of travel, degrees clockwise from north. */
  headingDeg: number;
}

/** The point `distanceM` along the loop (wrapping around), with the heading of its segment. */
export function pointOnRoute(route: Route, distanceM: number): RoutePoint {
  const d = ((distanceM % route.lengthM) + route.lengthM) % route.lengthM;
  // Binary search for the segment containing d.
  let low = 0;
  let high = route.cumulative.length - 1;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if ((route.cumulative[mid] ?? 0) <= d) low = mid;
    else high = mid;
  }
  const [ax, ay] = route.points[low] ?? [0, 0];
  const [bx, by] = route.points[high] ?? [0, 0];
  const start = route.cumulative[low] ?? 0;
  const span = (route.cumulative[high] ?? start) - start;
  const f = span > 0 ? (d - start) / span : 0;
  const east = ax + (bx - ax) * f;
  const north = ay + (by - ay) * f;
  const headingDeg = ((Math.atan2(bx - ax, by - ay) * 180) / Math.PI + 360) % 360;
  return { ...offsetMetres(route.origin, east, north), headingDeg };
}
