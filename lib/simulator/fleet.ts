import { keccak256, stringToBytes, type Address, type Hex } from "viem";
import { demoDeviceKey } from "../seed/demo-fleet";
import { privateKeyToAddress } from "viem/accounts";
import { CITIES, type City } from "./cities";
import { offsetMetres, type LatLon } from "./geo";
import type { MotionProfile } from "./motion";
import { hashInts, hashString, Rng } from "./random";
import { buildLoopRoute, type Route } from "./route";

/**
 * The simulated fleet: N devices, each a pure function of (seed, index). Device
 * i is the same whatever the fleet size, so a 100k-device benchmark fleet
 * starts with the 50 devices `npm start` runs, and a worker thread can build
 * just its own slice.
 */

export type DeviceKind = "walker" | "cyclist" | "car" | "fixed" | "solar";
export type Transport = "http" | "mqtt";

/** Misbehaviour the quality checks must catch; the label is the ground truth for tests. */
export type Fault =
  /** Reports a position 50–800 km away in about a quarter of 2-minute slots. */
  | { kind: "teleporter"; jumpProbability: number; slotMs: number }
  /** Every sensor value is stuck at one reading; only GPS jitter changes. */
  | { kind: "frozen-sensor"; frozenAtMs: number }
  /** Clock runs fast by msPerMinute, resynchronised (jumping back) every resyncEveryMs. */
  | { kind: "clock-drift"; msPerMinute: number; resyncEveryMs: number }
  /** Besides its normal readings, sends burstSize readings burstSpacingMs apart every everyMs. */
  | { kind: "burst-sender"; burstSize: number; burstSpacingMs: number; everyMs: number }
  /** Two keys report exactly the same track and readings at the same instants (a cloned/spoofed device). */
  | { kind: "replayed-track"; group: string; originalIndex: number };

export type FaultKind = Fault["kind"];

export interface SimDevice {
  index: number;
  address: Address;
  privateKey: Hex;
  /** One of the seeded demo devices (lib/seed/demo.ts): registered by `npm start`'s seed. */
  demo: boolean;
  kind: DeviceKind;
  /** Registry model name (the demo's models). */
  model: string;
  firmware: string;
  city: City;
  transport: Transport;
  intervalMs: number;
  /** Offset of this device's reading slots within the interval, ms. */
  phaseMs: number;
  /** Drives this device's noise, jitter and outages. */
  noiseSeed: number;
  home: LatLon;
  route: Route | null;
  motion: MotionProfile;
  /** Typical GPS accuracy (1σ), cm. */
  accuracyCm: number;
  calibration: { temperatureC: number; exposure: number; batteryDrainPerHour: number; solarCapacity: number };
  /** Expected outages per day (network or power). */
  outagesPerDay: number;
  fault: Fault | null;
}

export interface FleetOptions {
  seed: number;
  size: number;
  /** Reading interval per device, ms (jittered ±10 % per reading). */
  intervalMs?: number;
  /** Every n-th device (index % n === n − 1) sends over MQTT; 0 = HTTP only. */
  mqttEvery?: number;
}

export const DEFAULT_FLEET_SIZE = 50;
export const DEFAULT_INTERVAL_MS = 10_000;
export const DEMO_DEVICE_COUNT = 5;


/** Simulated devices past the demo five: a public label, so anyone can re-derive (and sign as) them. */
export function simulatedDeviceKey(seed: number, index: number): Hex {
  return keccak256(stringToBytes(`depinhub:sim-device:${seed}:${index}`));
}

const MODELS: Record<DeviceKind, string> = {
  walker: "AQ-Tracker v2",
  cyclist: "AQ-Tracker v2",
  fixed: "WeatherStation S1",
  solar: "SolarMeter M3",
  car: "DashCam D1",
};

/** The seeded demo devices' behaviour, in demoDevices() order (AQ, AQ, weather, solar, dashcam). */
const DEMO_LAYOUT: ReadonlyArray<{ kind: DeviceKind; city: string }> = [
  { kind: "walker", city: "Berlin" },
  { kind: "cyclist", city: "Berlin" },
  { kind: "fixed", city: "Berlin" },
  { kind: "solar", city: "Lisbon" },
  { kind: "car", city: "San Francisco" },
];

/** Misbehaving devices sit right after the demo ones, so every fleet of ≥ 11 devices has all of them. */
const FAULT_LAYOUT: ReadonlyArray<{ index: number; kind: DeviceKind; fault: Fault }> = [
  { index: 5, kind: "walker", fault: { kind: "teleporter", jumpProbability: 0.25, slotMs: 120_000 } },
  { index: 6, kind: "fixed", fault: { kind: "frozen-sensor", frozenAtMs: Date.UTC(2026, 0, 1, 12) } },
  { index: 7, kind: "cyclist", fault: { kind: "clock-drift", msPerMinute: 5_000, resyncEveryMs: 2 * 3_600_000 } },
  { index: 8, kind: "fixed", fault: { kind: "burst-sender", burstSize: 600, burstSpacingMs: 10, everyMs: 180_000 } },
  { index: 9, kind: "cyclist", fault: { kind: "replayed-track", group: "replay-1", originalIndex: 9 } },
  { index: 10, kind: "cyclist", fault: { kind: "replayed-track", group: "replay-1", originalIndex: 9 } },
];

const KIND_WEIGHTS: ReadonlyArray<readonly [DeviceKind, number]> = [
  ["walker", 0.3],
  ["cyclist", 0.2],
  ["car", 0.2],
  ["fixed", 0.2],
  ["solar", 0.1],
];

function pickKind(rng: Rng): DeviceKind {
  let u = rng.next();
  for (const [kind, weight] of KIND_WEIGHTS) {
    if ((u -= weight) < 0) return kind;
  }
  return "walker";
}

function cityNamed(name: string): City {
  const city = CITIES.find((c) => c.name === name);
  if (!city) throw new Error(`unknown city ${name}`);
  return city;
}

/** Movement by kind: courier walkers, commuting cyclists, stop-and-go cars; fixed devices never move. */
function motionFor(kind: DeviceKind, rng: Rng, city: City): MotionProfile {
  const base = { swingPhase: rng.between(0, 2 * Math.PI), utcOffsetHours: city.utcOffsetHours };
  switch (kind) {
    case "walker":
      return { ...base, baseSpeedMs: rng.between(1.1, 1.5), swing: 0.3, swingPeriodS: rng.between(120, 400), activeStartHour: rng.between(6.5, 8.5), activeHours: rng.between(9, 13) };
    case "cyclist":
      return { ...base, baseSpeedMs: rng.between(3.8, 5.5), swing: 0.4, swingPeriodS: rng.between(60, 240), activeStartHour: rng.between(6, 8), activeHours: rng.between(10, 13) };
    case "car":
      return { ...base, baseSpeedMs: rng.between(7, 12), swing: 0.85, swingPeriodS: rng.between(60, 150), activeStartHour: rng.between(6, 8), activeHours: rng.between(12, 16) };
    case "fixed":
    case "solar":
      return { ...base, baseSpeedMs: 0, swing: 0, swingPeriodS: 1, activeStartHour: 0, activeHours: 24 };
  }
}

const ROUTE_SIZES: Record<"walker" | "cyclist" | "car", { blockM: [number, number]; lengthM: [number, number] }> = {
  walker: { blockM: [80, 150], lengthM: [2_000, 5_000] },
  cyclist: { blockM: [120, 250], lengthM: [6_000, 15_000] },
  car: { blockM: [200, 400], lengthM: [12_000, 30_000] },
};

const FIRMWARE: Record<DeviceKind, readonly string[]> = {
  walker: ["aq-tracker/1.4.2", "aq-tracker/1.4.2", "aq-tracker/1.4.2", "aq-tracker/1.3.9"],
  cyclist: ["aq-tracker/1.4.2", "aq-tracker/1.4.2", "aq-tracker/1.3.9"],
  fixed: ["weather-station/3.1.0", "weather-station/3.1.0", "weather-station/3.0.4"],
  solar: ["solar-meter/2.4.1", "solar-meter/2.3.0"],
  car: ["dashcam/0.9.7", "dashcam/0.9.7", "dashcam/0.9.5"],
};

const OUTAGES_PER_DAY: Record<DeviceKind, number> = { walker: 1.5, cyclist: 1, car: 2, fixed: 0.3, solar: 0.5 };
const ACCURACY_CM: Record<DeviceKind, [number, number]> = {
  walker: [350, 900],
  cyclist: [300, 700],
  car: [200, 500],
  fixed: [150, 300],
  solar: [150, 300],
};

/** Behaviour (everything but identity) of the device at `index`. */
function behaviour(options: FleetOptions, index: number): Omit<SimDevice, "index" | "address" | "privateKey" | "demo" | "transport" | "fault"> {
  const noiseSeed = hashInts(options.seed, index, hashString("device"));
  const rng = new Rng(noiseSeed);
  const demo = DEMO_LAYOUT[index];
  const faulty = FAULT_LAYOUT.find((f) => f.index === index);
  const kind = demo?.kind ?? faulty?.kind ?? pickKind(rng);
  const city = demo ? cityNamed(demo.city) : rng.pick(CITIES);
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  // Homes spread over the city disc (sqrt for uniform area density).
  const r = city.radiusM * Math.sqrt(rng.next()) * 0.8;
  const theta = rng.between(0, 2 * Math.PI);
  const home = offsetMetres(city, r * Math.sin(theta), r * Math.cos(theta));
  const motion = motionFor(kind, rng, city);
  const sizes = kind === "walker" || kind === "cyclist" || kind === "car" ? ROUTE_SIZES[kind] : null;
  const route = sizes
    ? buildLoopRoute(rng, {
        home,
        gridAngleDeg: city.gridAngleDeg,
        blockM: rng.between(...sizes.blockM),
        targetLengthM: rng.between(...sizes.lengthM),
        maxRadiusM: city.radiusM,
      })
    : null;
  return {
    kind,
    model: MODELS[kind],
    firmware: rng.pick(FIRMWARE[kind]),
    city,
    intervalMs,
    phaseMs: Math.floor(rng.next() * intervalMs),
    noiseSeed,
    home,
    route,
    motion,
    accuracyCm: Math.round(rng.between(...ACCURACY_CM[kind])),
    calibration: {
      temperatureC: rng.between(-0.5, 0.5),
      // Bikes and cars ride in the traffic plume; stations sit above it.
      exposure: kind === "car" ? rng.between(1.2, 1.5) : kind === "cyclist" ? rng.between(1.05, 1.3) : rng.between(0.85, 1.1),
      batteryDrainPerHour: rng.between(4, 7),
      solarCapacity: rng.between(0.7, 1),
    },
    outagesPerDay: OUTAGES_PER_DAY[kind],
  };
}

/** Device `index` of the fleet: pure, so any thread computes the same device. */
export function simDevice(options: FleetOptions, index: number): SimDevice {
  if (!Number.isInteger(index) || index < 0 || index >= options.size) throw new RangeError(`device index ${index} outside fleet of ${options.size}`);
  const faulty = FAULT_LAYOUT.find((f) => f.index === index);
  // A fault needs its whole group in the fleet (the replayed-track pair is 9 and 10).
  const fault = faulty && options.size > 10 ? faulty.fault : null;
  // The replayed-track copy behaves exactly like its original; only its key differs.
  const source = fault?.kind === "replayed-track" ? fault.originalIndex : index;
  const privateKey = index < DEMO_DEVICE_COUNT ? demoDeviceKey(index) : simulatedDeviceKey(options.seed, index);
  const mqttEvery = options.mqttEvery ?? 3;
  return {
    ...behaviour(options, source),
    index,
    address: privateKeyToAddress(privateKey),
    privateKey,
    demo: index < DEMO_DEVICE_COUNT,
    transport: mqttEvery > 0 && index % mqttEvery === mqttEvery - 1 ? "mqtt" : "http",
    fault,
  };
}

export function generateFleet(options: FleetOptions): SimDevice[] {
  return Array.from({ length: options.size }, (_, index) => simDevice(options, index));
}

/** A JSON-friendly summary: what `--describe` prints and what tests and quality checks compare against. */
export function describeFleet(devices: readonly SimDevice[]) {
  return devices.map((d) => ({
    index: d.index,
    address: d.address,
    kind: d.kind,
    model: d.model,
    city: d.city.name,
    transport: d.transport,
    demo: d.demo,
    fault: d.fault,
  }));
}

/** Turns `--seed` text into the numeric seed (numbers as themselves, other text hashed). */
export function parseSeed(text: string): number {
  return /^\d+$/.test(text) ? Number(text) >>> 0 : hashString(text);
}
