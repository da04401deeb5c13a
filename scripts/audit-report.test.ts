import { describe, expect, it } from "vitest";
import { readAuditReport } from "./audit-report";

const counts = { info: 0, low: 1, moderate: 0, high: 0, critical: 0, total: 1 };

describe("readAuditReport", () => {
  it("passes a report with only low findings", () => {
    const json = JSON.stringify({ auditReportVersion: 2, vulnerabilities: { ms: { severity: "low", via: [] } }, metadata: { vulnerabilities: counts } });
    expect(readAuditReport(json)).toMatchObject({ kind: "clean" });
  });

  it("fails on high and critical findings and names the packages", () => {
    const json = JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: { zeta: { severity: "critical", via: [] }, alpha: { severity: "high", via: [] }, mid: { severity: "moderate", via: [] } },
      metadata: { vulnerabilities: { ...counts, high: 1, critical: 1, moderate: 1 } },
    });
    expect(readAuditReport(json)).toEqual({
      kind: "findings",
      counts: { ...counts, high: 1, critical: 1, moderate: 1 },
      packages: [
        { name: "alpha", severity: "high" },
        { name: "zeta", severity: "critical" },
      ],
    });
  });

  it("never reads a refused advisory service as a clean report", () => {
    const json = JSON.stringify({ message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk", statusCode: 405 });
    expect(readAuditReport(json)).toEqual({ kind: "unavailable", reason: expect.stringContaining("405") });
    expect(readAuditReport("")).toMatchObject({ kind: "unavailable" });
  });
});
