import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { NetworkBanner, SignInErrorBanner } from "@/components/network-banner";
import { Providers } from "@/components/providers";
import { SiteFooter } from "@/components/site-footer";
import { SiteHeader } from "@/components/site-header";
import { themeBootScript } from "@/components/theme";
import { getPublicConfig } from "@/lib/config/public";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "DePIN Hub", template: "%s · DePIN Hub" },
  description:
    "Claim signed-data devices to your wallet and earn, buy data feeds, run device fleets, and see every reward proved on-chain.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading request headers makes every page dynamic: config is resolved per
  // request (one build, any chain) and the CSP nonce is per request.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  const config = getPublicConfig();
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: themeBootScript }} />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <Providers config={config}>
          <SiteHeader />
          <NetworkBanner />
          <SignInErrorBanner />
          <main id="main" className="container main" tabIndex={-1}>
            {children}
          </main>
          <SiteFooter config={config} />
        </Providers>
      </body>
    </html>
  );
}
