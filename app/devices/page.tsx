import type { Metadata } from "next";
import Link from "next/link";
import { getSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { shortAddress } from "@/lib/devices/format";
import { ownedDevices, type OwnedDevice } from "@/lib/devices/queries";
import { deviceStatus } from "@/lib/quality/status";

export const metadata: Metadata = { title: "My devices" };

function lastSeen(date: Date | null): string {
  const when = date ? date.toLocaleString("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC" : "Never (no data yet)";
  return `${deviceStatus(date, new Date())} · ${when}`;
}

function DeviceTable({ devices }: { devices: OwnedDevice[] }) {
  return (
    <table className="device-table" data-testid="my-devices">
      <caption className="muted">Ownership comes from the chain index and updates a few seconds after each transaction.</caption>
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">Project</th>
          <th scope="col">Model</th>
          <th scope="col">Status</th>
          <th scope="col">Last seen</th>
          <th scope="col">Earnings</th>
        </tr>
      </thead>
      <tbody>
        {devices.map((device) => (
          <tr key={device.address}>
            <th scope="row">
              <Link href={`/devices/${device.address}`} title={device.address}>
                {device.serial ?? shortAddress(device.address)}
              </Link>
              {device.serial && (
                <>
                  {" "}
                  <code className="address muted">{shortAddress(device.address)}</code>
                </>
              )}
            </th>
            <td>{device.projectName}</td>
            <td>{device.model}</td>
            <td>
              <span className={device.active ? "pill pill-ok" : "pill pill-bad"}>{device.active ? "Active" : "Deactivated"}</span>
            </td>
            <td>{lastSeen(device.lastSeenAt)}</td>
            {/* Rewards are computed per epoch by the proof middleware (not built yet). */}
            <td className="muted">Coming soon</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function DevicesPage() {
  const session = await getSession();
  if (!session) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">My devices</h1>
        <div className="card placeholder" data-testid="devices-signed-out">
          <h2>Sign in to see your devices</h2>
          <p>Connect your wallet with the button at the top of the page and sign the message it shows you.</p>
        </div>
      </section>
    );
  }
  const devices = await ownedDevices(db(), session.address);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">My devices</h1>
      <p>
        <Link href="/devices/claim" className="button">
          Claim a device
        </Link>
      </p>
      {devices.length > 0 ? (
        <DeviceTable devices={devices} />
      ) : (
        <div className="card placeholder" data-testid="devices-empty">
          <h2>No devices yet</h2>
          <p>
            Claim a device to your wallet: use the claim label from its box (QR code or text), or pair it while it is online by pressing its pair
            button. Either way the device proves you have it, and your wallet records it on-chain.
          </p>
          <p>
            <Link href="/devices/claim">Claim your first device</Link>
          </p>
        </div>
      )}
    </section>
  );
}
