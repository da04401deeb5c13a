/**
 * Aggregate + score cost: `npx tsx lib/quality/bench.ts`.
 * 1 device-hour of 720 readings (5 s), then 1,000 such devices with the fleet check.
 */
import { aggregateHour } from "../aggregates/hourly";
import type { DeviceReading } from "../aggregates/reading";
import { scoreDevice, scoreFleet } from "./score";
import { HOUR, walker } from "./test-fixtures";

const hour = new Date(HOUR);
const time = (work: () => void): number => {
  const start = performance.now();
  work();
  return performance.now() - start;
};

const one = walker();
for (let i = 0; i < 50; i++) {
  // warm up the JIT
  aggregateHour(one, hour);
  scoreDevice({ readings: one });
}
const runs = 200;
const single = time(() => {
  for (let i = 0; i < runs; i++) {
    aggregateHour(one, hour);
    scoreDevice({ readings: one });
  }
}) / runs;
console.log(`1 device-hour, 720 readings: aggregate + score ${single.toFixed(2)} ms`);

const fleet = new Map<string, DeviceReading[]>();
for (let d = 0; d < 1_000; d++) {
  const device = `0x${d.toString(16).padStart(40, "0")}`;
  // Devices spread over Europe, a few km apart at most in clusters of 10, so the grid has neighbours to look at.
  fleet.set(device, walker({ device, lat: 45 + Math.floor(d / 10) * 0.05, lon: 5 + (d % 10) * 0.01 }));
}
const aggregateMs = time(() => {
  for (const readings of fleet.values()) aggregateHour(readings, hour);
});
const scoreMs = time(() => scoreFleet(fleet));
console.log(`1,000 devices × 720 readings: aggregate ${aggregateMs.toFixed(0)} ms, score incl. shared positions ${scoreMs.toFixed(0)} ms, total ${(aggregateMs + scoreMs).toFixed(0)} ms`);
