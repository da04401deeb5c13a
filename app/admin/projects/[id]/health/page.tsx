import type { Metadata } from "next";
import { fleetHealth } from "@/lib/admin/health";
import { projectAccessForPage } from "@/lib/admin/page-access";
import { db } from "@/lib/db/client";
import { fleetMapData } from "@/lib/admin/fleet-map";
import { BarList, LineChart, OnlineBars } from "@/components/admin/charts";
import { FleetMap } from "@/components/admin/fleet-map";

export const metadata: Metadata = { title: "Fleet health" };

export default async function HealthPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await projectAccessForPage((await params).id);
  if ("denied" in access) return null;
  const [health, map] = await Promise.all([fleetHealth(db(), access.project.id), fleetMapData(db(), access.project.id, access.actor)]);
  const latest = health.hours.at(-1);
  const scored = health.hours.filter((h) => h.meanQuality !== null);
  return (
    <div data-testid="fleet-health">
      <h2>Online and offline, last 48 hours</h2>
      <OnlineBars hours={health.hours} summary={latest ? `In the last finished hour ${latest.online} of ${latest.registered} devices delivered data.` : "No data yet."} />
      <h2>Fleet map</h2>
      <FleetMap data={map} />
      <h2>Quality trend</h2>
      <LineChart
        labels={health.hours.map((h) => h.hourStart)}
        series={[{ label: "mean quality", values: health.hours.map((h) => h.meanQuality), className: "chart-quality" }]}
        max={100}
        summary={scored.length > 0 ? `Mean quality score went from ${scored[0]!.meanQuality} to ${scored.at(-1)!.meanQuality} over the period.` : "No scored hours yet."}
      />
      <h2>Firmware versions</h2>
      <BarList
        items={health.firmware.map((f) => ({ label: f.firmware ?? "unknown", value: f.count }))}
        summary={health.firmware.map((f) => `${f.firmware ?? "unknown"}: ${f.count}`).join(", ") || "No devices."}
      />
    </div>
  );
}
