"use client";

import { useQuery } from "@tanstack/react-query";
import type { HealthReport } from "@/lib/health/summary";

const REFRESH_MS = 10_000;

async function fetchHealth(): Promise<HealthReport> {
  // 503 still carries the report; only a missing body is a failure.
  const response = await fetch("/api/health", { cache: "no-store" });
  const body = (await response.json().catch(() => null)) as HealthReport | null;
  if (!body?.checks) throw new Error(`health endpoint answered ${response.status}`);
  return body;
}

function Indicator({ ok }: { ok: boolean }) {
  return (
    <span className={ok ? "status-dot ok" : "status-dot bad"} aria-hidden="true" />
  );
}

function ago(seconds: number | null): string {
  if (seconds === null) return "never";
  if (seconds < 60) return `${seconds} s ago`;
  return `${Math.round(seconds / 60)} min ago`;
}

/** Live status of the database, chain and worker, polled from /api/health. */
export function HealthStatus() {
  const health = useQuery({ queryKey: ["health"], queryFn: fetchHealth, refetchInterval: REFRESH_MS, retry: false });
  const report = health.data;

  let summary: string;
  if (health.isPending) summary = "Checking…";
  else if (!report) summary = "Status unavailable";
  else summary = report.status === "ok" ? "All systems operational" : "Degraded";

  return (
    <section className="card status-card" aria-labelledby="status-title" data-testid="health-status">
      <div className="status-head">
        <h2 id="status-title">Live status</h2>
        <p role="status" className={report?.status === "ok" ? "pill pill-ok" : "pill pill-bad"}>
          {summary}
        </p>
      </div>
      {health.isError ? <p>Could not reach the status endpoint: {health.error.message}</p> : null}
      {report ? (
        <dl className="status-list">
          <div>
            <dt>
              <Indicator ok={report.checks.database.ok} /> Database
            </dt>
            <dd>
              {report.checks.database.ok ? `reachable, ${report.checks.database.latencyMs} ms` : report.checks.database.error}
            </dd>
          </div>
          <div>
            <dt>
              <Indicator ok={report.checks.chain.ok} /> Chain {report.checks.chain.chainId}
            </dt>
            <dd>
              {report.checks.chain.blockNumber !== undefined
                ? `block ${report.checks.chain.blockNumber.toLocaleString("en-US")}, ${report.checks.chain.latencyMs} ms`
                : null}
              {report.checks.chain.blockNumber !== undefined ? " · " : null}
              {report.checks.chain.contractsDeployed ? "contracts deployed" : (report.checks.chain.error ?? "contracts not deployed")}
            </dd>
          </div>
          <div>
            <dt>
              <Indicator ok={report.checks.worker.ok} /> Worker
            </dt>
            <dd>
              {report.checks.worker.ok
                ? `${report.checks.worker.instances} running, last heartbeat ${ago(report.checks.worker.ageSeconds)}`
                : report.checks.worker.error}
            </dd>
          </div>
        </dl>
      ) : null}
    </section>
  );
}
