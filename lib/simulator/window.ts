import { toWireJson } from "../ingest/message";
import { simDevice, type FleetOptions } from "./fleet";
import { signReading } from "./signer";
import { readingsBetween } from "./telemetry";

/**
 * Every signed reading of a slice of the fleet in a time window, as wire JSON
 * strings (what a batch carries), grouped per device in sequence order. The
 * unit of work of the parallel generator: one call per worker thread.
 */
export interface WindowRequest {
  fleet: FleetOptions;
  /** Devices first, first + step, … below end. */
  first: number;
  end: number;
  step: number;
  fromMs: number;
  toMs: number;
}

export interface DeviceWindow {
  index: number;
  address: string;
  transport: "http" | "mqtt";
  messages: string[];
}

export interface WindowTimings {
  /** Building devices (key → address derivation dominates). */
  fleetMs: number;
  /** Computing the readings (models only). */
  generateMs: number;
  /** Canonical encoding, digest, secp256k1 signature, JSON. */
  signMs: number;
}

export function signedWindow(request: WindowRequest): { devices: DeviceWindow[]; timings: WindowTimings } {
  const timings: WindowTimings = { fleetMs: 0, generateMs: 0, signMs: 0 };
  const devices: DeviceWindow[] = [];
  for (let index = request.first; index < request.end; index += request.step) {
    let t = performance.now();
    const device = simDevice(request.fleet, index);
    timings.fleetMs += performance.now() - t;
    t = performance.now();
    const readings = readingsBetween(device, request.fromMs, request.toMs);
    timings.generateMs += performance.now() - t;
    t = performance.now();
    const messages = readings.map((reading) => JSON.stringify(toWireJson(signReading(device.privateKey, reading))));
    timings.signMs += performance.now() - t;
    devices.push({ index, address: device.address, transport: device.transport, messages });
  }
  return { devices, timings };
}
