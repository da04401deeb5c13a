/**
 * Reads `npm audit --json` output. Three outcomes, kept apart on purpose: a clean
 * report passes, high/critical findings fail, and an advisory service that cannot
 * be reached (offline machines; registries that refuse the bulk endpoint with 405)
 * is "unavailable", which must never be mistaken for "no findings".
 */
import { z } from "zod";

const BLOCKING = ["high", "critical"] as const;

const reportSchema = z.object({
  vulnerabilities: z.record(z.string(), z.object({ severity: z.string(), via: z.array(z.unknown()).optional() })),
  metadata: z.object({
    vulnerabilities: z.object({ info: z.number(), low: z.number(), moderate: z.number(), high: z.number(), critical: z.number(), total: z.number() }),
  }),
});

const errorSchema = z.object({ message: z.string().optional(), statusCode: z.number().optional(), error: z.unknown().optional() });

export type AuditOutcome =
  | { kind: "clean"; counts: Record<string, number> }
  | { kind: "findings"; counts: Record<string, number>; packages: Array<{ name: string; severity: string }> }
  | { kind: "unavailable"; reason: string };

export function readAuditReport(json: string): AuditOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { kind: "unavailable", reason: "npm audit printed no JSON report" };
  }
  const report = reportSchema.safeParse(parsed);
  if (report.success) {
    const counts = report.data.metadata.vulnerabilities;
    const packages = Object.entries(report.data.vulnerabilities)
      .filter(([, v]) => (BLOCKING as readonly string[]).includes(v.severity))
      .map(([name, v]) => ({ name, severity: v.severity }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return packages.length === 0 ? { kind: "clean", counts } : { kind: "findings", counts, packages };
  }
  const failure = errorSchema.safeParse(parsed);
  const reason = failure.success ? (failure.data.message ?? `status ${failure.data.statusCode ?? "unknown"}`) : "unrecognised npm audit output";
  return { kind: "unavailable", reason };
}
