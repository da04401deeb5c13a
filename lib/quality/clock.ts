import type { DeviceReading } from "../aggregates/reading";
import type { QualityConfig } from "./config";
import type { Finding } from "./finding";
import { formatDuration, formatNumber, formatTime } from "./format";

interface Upload {
  receivedAt: number;
  /** receivedAt − measuredAt of the freshest reading in the upload. */
  offsetMs: number;
  measuredAt: number;
}

const HOUR_MS = 3_600_000;

/**
 * Clock problems, from measuredAt (device clock) vs receivedAt (server clock).
 * Devices may buffer readings for hours, so old readings prove nothing; but the
 * freshest reading of each upload was normally taken just before sending, so
 * its offset estimates the clock error. Three findings:
 * - ahead: a reading stamped later than it arrived (impossible with a right clock);
 * - behind: the freshest reading of a typical upload is already old;
 * - drift: that offset changes steadily over the window.
 */
export function checkClock(readings: readonly DeviceReading[], config: QualityConfig["clock"]): Finding[] {
  const findings: Finding[] = [];
  const ahead = readings.filter((r) => r.measuredAt - r.receivedAt > config.aheadToleranceMs);
  if (ahead.length > 0) {
    const worst = ahead.reduce((max, r) => Math.max(max, r.measuredAt - r.receivedAt), 0);
    const first = ahead.reduce((min, r) => Math.min(min, r.measuredAt), Infinity);
    findings.push({
      check: "clock-drift",
      severity: "warning",
      penalty: config.penalty,
      reason:
        `${formatNumber(ahead.length)} reading${ahead.length === 1 ? " was" : "s were"} stamped up to ${formatDuration(worst)} later than ` +
        `${ahead.length === 1 ? "it" : "they"} arrived, from ${formatTime(first)}: the device clock runs ahead; sync it with GNSS or NTP`,
      at: new Date(first),
    });
  }

  const uploads = uploadsOf(readings);
  const firstUpload = uploads[0];
  if (!firstUpload) return findings;
  const typicalOffset = median(uploads.map((u) => u.offsetMs));
  if (typicalOffset > config.behindToleranceMs) {
    findings.push({
      check: "clock-drift",
      severity: "warning",
      penalty: config.penalty,
      reason:
        `the newest reading of a typical upload was already ${formatDuration(typicalOffset)} old when it arrived ` +
        `(${formatNumber(uploads.length)} uploads): the device clock seems to run behind, or the device holds readings back`,
      at: new Date(firstUpload.measuredAt),
    });
  }

  const drift = driftPerHour(uploads, config);
  if (drift && Math.abs(drift.msPerHour) > config.maxDriftMsPerHour) {
    const direction = drift.msPerHour > 0 ? "falls behind" : "gains";
    findings.push({
      check: "clock-drift",
      severity: "warning",
      penalty: config.penalty,
      reason:
        `the device clock ${direction} by about ${formatDuration(Math.abs(drift.msPerHour))} per hour ` +
        `(offset ${signed(drift.fromMs)} at ${formatTime(drift.fromAt)}, ${signed(drift.toMs)} at ${formatTime(drift.toAt)}); ` +
        `more than ${formatDuration(config.maxDriftMsPerHour)} per hour means it is not synchronised`,
      at: new Date(firstUpload.measuredAt),
    });
  }
  return findings;
}

/** Readings that arrived in the same second belong to one upload (batch). */
function uploadsOf(readings: readonly DeviceReading[]): Upload[] {
  const bySecond = new Map<number, Upload>();
  for (const r of readings) {
    const key = Math.floor(r.receivedAt / 1000);
    const offsetMs = r.receivedAt - r.measuredAt;
    const upload = bySecond.get(key);
    if (!upload || offsetMs < upload.offsetMs || (offsetMs === upload.offsetMs && r.receivedAt < upload.receivedAt)) {
      bySecond.set(key, { receivedAt: r.receivedAt, offsetMs, measuredAt: r.measuredAt });
    }
  }
  return [...bySecond.entries()].sort(([a], [b]) => a - b).map(([, upload]) => upload);
}

/**
 * Robust slope: medians of the first and second half of the uploads, so a few
 * uploads delayed by retries cannot fake a drift.
 */
function driftPerHour(uploads: readonly Upload[], config: QualityConfig["clock"]) {
  const first = uploads[0];
  const last = uploads[uploads.length - 1];
  if (!first || !last || uploads.length < config.minUploads || last.receivedAt - first.receivedAt < config.minSpanMs) return null;
  const half = Math.floor(uploads.length / 2);
  const early = uploads.slice(0, half);
  const late = uploads.slice(uploads.length - half);
  const fromAt = median(early.map((u) => u.receivedAt));
  const toAt = median(late.map((u) => u.receivedAt));
  const fromMs = median(early.map((u) => u.offsetMs));
  const toMs = median(late.map((u) => u.offsetMs));
  return { msPerHour: ((toMs - fromMs) / (toAt - fromAt)) * HOUR_MS, fromAt, toAt, fromMs, toMs };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function signed(ms: number): string {
  return `${ms < 0 ? "−" : "+"}${formatDuration(Math.abs(ms))}`;
}
