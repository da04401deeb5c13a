"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export const NAV_ITEMS = [
  { href: "/map", label: "Map" },
  { href: "/devices", label: "My devices" },
  { href: "/earnings", label: "Earnings" },
  { href: "/proofs", label: "Proofs" },
  { href: "/market", label: "Market" },
  { href: "/admin", label: "Admin" },
] as const;

export function isActive(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function NavLinks() {
  const pathname = usePathname();
  return (
    <ul className="nav-links">
      {NAV_ITEMS.map((item) => {
        const active = isActive(pathname, item.href);
        return (
          <li key={item.href}>
            <Link href={item.href} aria-current={active ? "page" : undefined} className="nav-link">
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
