import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { shortAddress } from "@/lib/devices/format";
import { locationForViewer, type DeviceLocation } from "@/lib/devices/location";
import { devicePreview } from "@/lib/devices/queries";
import { canSeeExactLocation } from "@/lib/devices/viewer";
import { latestPositionFix } from "@/lib/ingest/device-activity";
import { latestQuality, type LatestQuality } from "@/lib/processing/latest-quality";
import { deviceStatus } from "@/lib/quality/status";
import { parseDeviceAddress } from "@/lib/devices/claim-label";
import { OwnerActions } from "@/components/devices/owner-actions";
import { DeviceCharts, DeviceTrackView } from "@/components/devices/device-telemetry";
import { WindowSelector } from "@/components/devices/window-selector";
import { windowFromParam } from "@/lib/ingest/series-query";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const address = parseDeviceAddress((await params).id);
  return { title: address ? `Device ${shortAddress(address)}` : "Device" };
}

function formatDate(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC" : "—";
}

function LocationFacts({ location }: { location: DeviceLocation | null }) {
  if (!location) return <p className="muted">No position reported yet.</p>;
  if (location.precision === "cell") {
    return (
      <p>
        In H3 cell <code>{location.cell}</code> (resolution {location.resolution}, about 5 km²) as of {formatDate(location.measuredAt.toISOString())}.{" "}
        <span className="muted">The exact position is shown only to the owner and the project&apos;s admins.</span>
      </p>
    );
  }
  return (
    <p>
      {location.lat.toFixed(6)}, {location.lon.toFixed(6)}
      {location.accuracyMeters !== null && ` (±${location.accuracyMeters.toFixed(1)} m)`} as of {formatDate(location.measuredAt.toISOString())}
    </p>
  );
}

function QualityFacts({ quality }: { quality: LatestQuality | null }) {
  if (!quality) return <p className="muted">Scored once a full hour of data has arrived.</p>;
  return (
    <>
      <p>
        <strong>{quality.score}/100</strong> for the hour from {formatDate(quality.hourStart.toISOString())}: {quality.messageCount} messages,
        online {quality.onlineMinutes} of 60 minutes.
      </p>
      {quality.findings.length === 0 ? (
        <p>No problems found.</p>
      ) : (
        <ul>
          {quality.findings.map((finding) => (
            <li key={`${finding.check}-${finding.at}`}>
              {finding.reason} <span className="muted">(−{finding.penalty})</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Public device page; its owner and project staff see the exact location; the owner also gets transfer and release. */
export default async function DevicePage({ params, searchParams }: Props) {
  const address = parseDeviceAddress((await params).id);
  if (!address) notFound();
  const window = windowFromParam((await searchParams).window);
  const [device, session] = await Promise.all([devicePreview(db(), address), getSession()]);
  if (!device.registered) notFound();
  const isOwner = Boolean(session && device.owner && session.address.toLowerCase() === device.owner.toLowerCase());
  const [fix, exact, quality] = await Promise.all([
    latestPositionFix(db(), address),
    canSeeExactLocation(db(), address, session?.address ?? null),
    latestQuality(db(), address),
  ]);
  const location = fix ? locationForViewer(fix, exact) : null;

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">
        {device.model} <code className="address">{shortAddress(device.address)}</code>
      </h1>
      <dl className="device-facts card" data-testid="device-details">
        <dt>Device address</dt>
        <dd>
          <code className="address">{device.address}</code>
        </dd>
        <dt>Project</dt>
        <dd>{device.project?.name ?? "—"}</dd>
        <dt>Model</dt>
        <dd>{device.model}</dd>
        <dt>Status</dt>
        <dd>{device.active ? "Active" : "Deactivated"}</dd>
        <dt>Owner</dt>
        <dd>{device.owner ? <code className="address" title={device.owner}>{isOwner ? "You" : shortAddress(device.owner)}</code> : "Unclaimed"}</dd>
        <dt>Claimed since</dt>
        <dd>{formatDate(device.claimedAt)}</dd>
        <dt>Last seen</dt>
        <dd>
          {deviceStatus(device.lastSeenAt ? new Date(device.lastSeenAt) : null, new Date())} ·{" "}
          {device.lastSeenAt ? formatDate(device.lastSeenAt) : "Never (no data yet)"}
        </dd>
      </dl>
      <section className="card" aria-labelledby="location-title" data-testid="device-location">
        <h2 id="location-title">Location</h2>
        <LocationFacts location={location} />
      </section>
      <section className="card" aria-labelledby="readings-title" data-testid="device-readings">
        <div className="section-head">
          <h2 id="readings-title">Readings</h2>
          <WindowSelector device={device.address} current={window} />
        </div>
        <DeviceCharts device={device.address} window={window} />
      </section>
      <section className="card" aria-labelledby="track-title" data-testid="device-track">
        <h2 id="track-title">Track</h2>
        <DeviceTrackView device={device.address} window={window} viewer={session?.address ?? null} />
      </section>
      <section className="card" aria-labelledby="quality-title" data-testid="device-quality">
        <h2 id="quality-title">Data quality</h2>
        <QualityFacts quality={quality} />
      </section>
      {!device.owner && (
        <p>
          <Link href="/devices/claim">Claim this device</Link>
        </p>
      )}
      {isOwner && device.owner && <OwnerActions device={device.address} owner={device.owner} />}
    </section>
  );
}
