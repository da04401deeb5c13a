import { inTimeOrder, metric, type DeviceReading, type MetricName } from "../aggregates/reading";
import type { FrozenRule, QualityConfig } from "./config";
import type { Finding } from "./finding";
import { formatDuration, formatNumber, formatTime } from "./format";

interface Run {
  value: number;
  first: DeviceReading;
  last: DeviceReading;
  count: number;
}

/**
 * Frozen values: a sensor that normally varies (real sensors always have a
 * little noise) repeating exactly the same value for many readings and minutes.
 * One finding per run per metric.
 */
export function checkFrozenValues(readings: readonly DeviceReading[], config: QualityConfig["frozen"]): Finding[] {
  const ordered = inTimeOrder(readings);
  const findings: Finding[] = [];
  for (const [name, rule] of Object.entries(config.rules) as [MetricName, FrozenRule][]) {
    let run: Run | null = null;
    const close = () => {
      if (run && isFrozen(run, rule)) findings.push(frozenFinding(name, run, config.penalty));
    };
    for (const reading of ordered) {
      const value = reading.readings[name];
      if (value === undefined) continue; // absent readings neither break nor extend a run
      if (run && run.value === value) {
        run.last = reading;
        run.count += 1;
      } else {
        close();
        run = { value, first: reading, last: reading, count: 1 };
      }
    }
    close();
  }
  return findings;
}

function isFrozen(run: Run, rule: FrozenRule): boolean {
  return (
    !rule.ignoreValues.includes(run.value) &&
    run.count >= rule.minReadings &&
    run.last.measuredAt - run.first.measuredAt >= rule.minDurationMs
  );
}

function frozenFinding(name: MetricName, run: Run, penalty: number): Finding {
  const m = metric(name);
  return {
    check: "frozen-value",
    severity: "warning",
    penalty,
    reason:
      `${name} stayed at exactly ${formatNumber(run.value, m.decimals)} ${m.unit} for ${formatNumber(run.count)} readings over ` +
      `${formatDuration(run.last.measuredAt - run.first.measuredAt)} from ${formatTime(run.first.measuredAt)}; ` +
      `a working sensor always varies a little, so it may be stuck or the data not measured`,
    at: new Date(run.first.measuredAt),
  };
}
