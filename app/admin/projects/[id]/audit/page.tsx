import type { Metadata } from "next";
import { auditLog } from "@/lib/admin/audit";
import { projectAccessForPage } from "@/lib/admin/page-access";
import { db } from "@/lib/db/client";
import { explorerTxUrl, shortAddress } from "@/lib/devices/format";
import { getPublicConfig } from "@/lib/config/public";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await projectAccessForPage((await params).id);
  if ("denied" in access) return null;
  const entries = await auditLog(db(), access.project);
  const { explorerUrl } = getPublicConfig();
  return (
    <>
      <h2>Audit log</h2>
      <p className="muted">Transactions come from the chain index (who sent them is recorded by the contracts); off-chain actions are recorded by the server.</p>
      <table className="device-table" data-testid="audit-log">
        <thead>
          <tr>
            <th scope="col">When (UTC)</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Transaction</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry, index) => {
            const url = entry.txHash ? explorerTxUrl(explorerUrl, entry.txHash) : null;
            return (
              <tr key={`${entry.at}-${index}`}>
                <td>{entry.at.replace("T", " ").slice(0, 19)}</td>
                <td>{entry.actor ? <code className="address" title={entry.actor}>{shortAddress(entry.actor)}</code> : "—"}</td>
                <td>{entry.summary}</td>
                <td>{entry.txHash ? url ? <a href={url}>{shortAddress(entry.txHash)}</a> : <code className="address" title={entry.txHash}>{shortAddress(entry.txHash)}</code> : "off-chain"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {entries.length === 0 && <p className="muted">Nothing yet.</p>}
    </>
  );
}
