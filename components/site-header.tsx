import { ConnectButton } from "@rainbow-me/rainbowkit";
import Link from "next/link";
import { NavLinks } from "./nav-links";
import { ThemeToggle } from "./theme";

export function SiteHeader() {
  return (
    <header className="site-header">
      <div className="container header-row">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◈
          </span>
          DePIN Hub
        </Link>
        <nav aria-label="Main">
          <NavLinks />
        </nav>
        <div className="header-actions">
          <ThemeToggle />
          <ConnectButton accountStatus="address" chainStatus="icon" showBalance={false} />
        </div>
      </div>
    </header>
  );
}
