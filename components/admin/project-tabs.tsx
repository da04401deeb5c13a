"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  { path: "", label: "Fleet" },
  { path: "/register", label: "Register devices" },
  { path: "/health", label: "Health" },
  { path: "/alerts", label: "Alerts" },
  { path: "/rewards", label: "Rewards" },
  { path: "/audit", label: "Audit log" },
] as const;

export function ProjectTabs({ base }: { base: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Project sections">
      <ul className="nav-links admin-tabs">
        {TABS.map((tab) => {
          const href = `${base}${tab.path}`;
          return (
            <li key={tab.path}>
              <Link href={href} className="nav-link" aria-current={pathname === href ? "page" : undefined}>
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
