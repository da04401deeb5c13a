import { SUPPORTED_CHAINS } from "@/lib/config/chains";
import type { PublicConfig } from "@/lib/config/public";

export function SiteFooter({ config }: { config: PublicConfig }) {
  const chain = SUPPORTED_CHAINS[config.chainId];
  return (
    <footer className="site-footer">
      <div className="container footer-row">
        <p>DePIN Hub — devices sign their data, the middleware proves the rewards, the chain pays.</p>
        <p>
          Network: {chain?.name ?? "unknown"} (chain {config.chainId})
          {config.explorerUrl ? (
            <>
              {" · "}
              <a href={config.explorerUrl} rel="noreferrer" target="_blank">
                Explorer
              </a>
            </>
          ) : null}
          {" · "}
          <a href="/api/health">Health</a>
        </p>
      </div>
    </footer>
  );
}
