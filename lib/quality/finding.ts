/** What every quality check returns: plain facts an owner can read and act on. */

export const CHECKS = [
  "impossible-speed",
  "frozen-value",
  "implausible-jump",
  "clock-drift",
  "burst",
  "long-gap",
  "shared-position",
] as const;

export type CheckName = (typeof CHECKS)[number];

export type Severity = "info" | "warning" | "critical";

export interface Finding {
  check: CheckName;
  severity: Severity;
  /** Points this finding alone would take off the score; caps per check apply in scoreDevice. */
  penalty: number;
  /** One sentence with the numbers, e.g. "moved 41 km in 30 s (4,920 km/h) …". */
  reason: string;
  /** When it happened (device clock), the start of the episode. */
  at: Date;
}

/** Stable order for findings: time, then check, then text. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.at.getTime() - b.at.getTime() ||
    CHECKS.indexOf(a.check) - CHECKS.indexOf(b.check) ||
    (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0)
  );
}
