import type { Metadata } from "next";
import { projectAccessForPage } from "@/lib/admin/page-access";
import { epochsOverview } from "@/lib/admin/reward-ops";
import { serverEnv } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { publishedPolicies } from "@/lib/rewards/policies";
import { epochTiming } from "@/lib/rewards/readiness";
import { RewardsPanel } from "@/components/admin/rewards-panel";

export const metadata: Metadata = { title: "Rewards" };

export default async function RewardsPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await projectAccessForPage((await params).id);
  if ("denied" in access) return null;
  const policies = await publishedPolicies(db(), access.project.id);
  const overview = await epochsOverview(db(), access.project.id, epochTiming(serverEnv()));
  return <RewardsPanel projectId={access.project.id} isAdmin={access.role === "admin"} currentPolicy={policies.at(-1) ?? null} initialOverview={overview} />;
}
