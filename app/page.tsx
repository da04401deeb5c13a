import Link from "next/link";
import { HealthStatus } from "@/components/health-status";

const ROLES = [
  {
    title: "Device owners",
    href: "/devices",
    action: "See your devices",
    text: "Connect a wallet and claim a device to it — the device proves possession by signing. Your devices appear on the sensor map and earn rewards you can track and withdraw.",
  },
  {
    title: "Consumers",
    href: "/market",
    action: "Browse the market",
    text: "Browse data feeds and services from devices, devices for sale, and open requests. Pay through on-chain escrow and receive a data-feed API.",
  },
  {
    title: "Project admins",
    href: "/admin",
    action: "Open the admin area",
    text: "Register fleets of devices, watch their health, set reward policies and follow every reward epoch as it is proved and paid.",
  },
  {
    title: "Proof middleware",
    href: "/earnings",
    action: "See earnings",
    text: "Every signed device message is verified; per-epoch uptime, coverage, data quality and rewards are computed and proved to a smart contract before anyone is paid.",
  },
] as const;

export default function HomePage() {
  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">DePIN Hub</h1>
        <p className="lead">
          The web app and middleware for decentralized physical infrastructure networks: devices sign the data they
          measure, DePIN Hub verifies it, and rewards are proved on-chain before they are paid.
        </p>
        <p>
          <Link className="button" href="/map">
            Explore the map
          </Link>
        </p>
      </section>

      <section aria-labelledby="roles-title">
        <h2 id="roles-title">Who it is for</h2>
        <ul className="card-grid">
          {ROLES.map((role) => (
            <li key={role.title} className="card">
              <h3>{role.title}</h3>
              <p>{role.text}</p>
              <Link href={role.href}>{role.action} →</Link>
            </li>
          ))}
        </ul>
      </section>

      <HealthStatus />
    </>
  );
}
