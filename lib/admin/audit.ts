import "server-only";
import { getAddress } from "viem";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { Prisma } from "@/lib/db/generated/client";

/** Off-chain admin actions; on-chain ones come from the chain index (authoritative, not client-reported). */
export const OFFCHAIN_ACTIONS = ["devices.metadata", "devices.export", "labels.generate", "alerts.settings", "alerts.acknowledge", "rewards.policy.publish", "rewards.epoch.rerun"] as const;
export type OffchainAction = (typeof OFFCHAIN_ACTIONS)[number];

export async function recordAdminAction(
  db: Pick<PrismaClient, "adminAuditEntry">,
  entry: { projectId: number; actor: string; action: OffchainAction; details: Prisma.InputJsonValue },
): Promise<void> {
  await db.adminAuditEntry.create({ data: { projectId: entry.projectId, actor: getAddress(entry.actor), action: entry.action, details: entry.details } });
}

export interface AuditEntry {
  at: string;
  actor: string | null;
  action: string;
  summary: string;
  txHash: string | null;
}

const ONCHAIN_EVENTS = ["ProjectCreated", "ProjectMetadataUpdated", "ProjectAdminTransferred", "OperatorAdded", "OperatorRemoved", "DeviceRegistered", "DeviceActiveSet"];

/**
 * Every admin action on the project, newest first: transactions from the
 * indexed contract events (who sent them is in the events: registeredBy,
 * setBy, admin), grouped per transaction, merged with off-chain actions.
 */
export async function auditLog(db: PrismaClient, project: { id: number; chainId: number; onchainId: bigint }, limit = 200): Promise<AuditEntry[]> {
  const events = await db.$queryRaw<Array<{ tx_hash: string; name: string; block_time: Date; count: bigint; actor: string | null; active: boolean | null; first_args: Prisma.JsonValue }>>`
    SELECT "txHash" AS tx_hash, name, max("blockTime") AS block_time, count(*) AS count,
           max(COALESCE(args->>'registeredBy', args->>'setBy', args->>'admin', args->>'newAdmin')) AS actor,
           bool_or((args->>'active')::boolean) AS active, (array_agg(args ORDER BY "logIndex"))[1] AS first_args
    FROM "ChainEvent"
    WHERE "chainId" = ${project.chainId} AND "projectOnchainId" = ${project.onchainId} AND name = ANY(${ONCHAIN_EVENTS})
    GROUP BY "txHash", name ORDER BY max("blockNumber") DESC LIMIT ${limit}`;
  const offchain = await db.adminAuditEntry.findMany({ where: { projectId: project.id }, orderBy: { createdAt: "desc" }, take: limit });
  const entries: AuditEntry[] = [
    ...events.map((event) => {
      const args = (event.first_args ?? {}) as Record<string, string>;
      const count = Number(event.count);
      const summaries: Record<string, string> = {
        ProjectCreated: `Created the project "${args.name ?? ""}"`,
        ProjectMetadataUpdated: "Updated the project's name, metadata or reward token",
        ProjectAdminTransferred: `Transferred the admin role to ${args.newAdmin ?? ""}`,
        OperatorAdded: `Added operator ${args.operator ?? ""}`,
        OperatorRemoved: `Removed operator ${args.operator ?? ""}`,
        DeviceRegistered: `Registered ${count} device${count === 1 ? "" : "s"}`,
        DeviceActiveSet: `${event.active ? "Reactivated" : "Deactivated"} ${count === 1 ? (args.device ?? "a device") : `${count} devices`}`,
      };
      return { at: event.block_time.toISOString(), actor: event.actor, action: `chain.${event.name}`, summary: summaries[event.name] ?? event.name, txHash: event.tx_hash };
    }),
    ...offchain.map((row) => {
      const details = (row.details ?? {}) as Record<string, unknown>;
      const summaries: Record<string, string> = {
        "devices.metadata": `Saved serial and firmware of ${String(details.count ?? "?")} devices`,
        "devices.export": "Exported the fleet as CSV",
        "labels.generate": `Generated claim labels for ${String(details.count ?? "?")} devices`,
        "alerts.settings": "Changed the alert thresholds or webhook",
        "alerts.acknowledge": `Acknowledged alert #${String(details.alertId ?? "?")}`,
        "rewards.policy.publish": `Published reward policy v${String(details.version ?? "?")}`,
        "rewards.epoch.rerun": `Re-ran failed reward epoch ${String(details.epoch ?? "?")} (resumes at ${String(details.resumeAt ?? "?")})`,
      };
      return { at: row.createdAt.toISOString(), actor: row.actor, action: row.action, summary: summaries[row.action] ?? row.action, txHash: row.txHash };
    }),
  ];
  return entries.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
}
