import type { Metadata } from "next";
import { projectAccessForPage } from "@/lib/admin/page-access";
import { projectEpochs } from "@/lib/admin/reward-ops";
import { db } from "@/lib/db/client";
import { publishedPolicies } from "@/lib/rewards/policies";
import { RewardsPanel } from "@/components/admin/rewards-panel";

export const metadata: Metadata = { title: "Rewards" };

export default async function RewardsPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await projectAccessForPage((await params).id);
  if ("denied" in access) return null;
  const policies = await publishedPolicies(db(), access.project.id);
  return <RewardsPanel projectId={access.project.id} isAdmin={access.role === "admin"} currentPolicy={policies.at(-1) ?? null} initialEpochs={await projectEpochs(db(), access.project.id)} />;
}
