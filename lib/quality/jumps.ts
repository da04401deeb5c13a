import { inTimeOrder, metric, type DeviceReading, type MetricName } from "../aggregates/reading";
import type { JumpRule, QualityConfig } from "./config";
import type { Finding } from "./finding";
import { formatDuration, formatNumber, formatTime } from "./format";

/**
 * Implausible jumps: the schema already rejects values outside the physical
 * range, so what remains suspicious is a change faster than the physics of the
 * sensor allows (e.g. 30 °C within a minute). Compares consecutive readings
 * of each metric.
 */
export function checkImplausibleJumps(readings: readonly DeviceReading[], config: QualityConfig["jump"]): Finding[] {
  const ordered = inTimeOrder(readings);
  const findings: Finding[] = [];
  for (const [name, rule] of Object.entries(config.rules) as [MetricName, JumpRule][]) {
    let previous: { value: number; at: number } | null = null;
    for (const reading of ordered) {
      const value = reading.readings[name];
      if (value === undefined) continue;
      const at = reading.measuredAt;
      if (previous && at - previous.at <= rule.withinMs && Math.abs(value - previous.value) >= rule.maxChange) {
        findings.push(jumpFinding(name, rule, previous, { value, at }, config.penalty));
      }
      previous = { value, at };
    }
  }
  return findings;
}

function jumpFinding(
  name: MetricName,
  rule: JumpRule,
  from: { value: number; at: number },
  to: { value: number; at: number },
  penalty: number,
): Finding {
  const m = metric(name);
  const show = (value: number) => `${formatNumber(value, m.decimals)} ${m.unit}`;
  return {
    check: "implausible-jump",
    severity: "warning",
    penalty,
    reason:
      `${name} changed by ${show(Math.abs(to.value - from.value))} (from ${show(from.value)} to ${show(to.value)}) in ` +
      `${formatDuration(to.at - from.at)} at ${formatTime(to.at)}; a change of ${show(rule.maxChange)} within ` +
      `${formatDuration(rule.withinMs)} is not physically possible for this sensor`,
    at: new Date(to.at),
  };
}
