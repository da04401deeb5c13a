import type { Metadata } from "next";
import { alertSettings } from "@/lib/admin/alert-settings";
import { projectAccessForPage } from "@/lib/admin/page-access";
import { db } from "@/lib/db/client";
import { AlertsPanel } from "@/components/admin/alerts-panel";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await projectAccessForPage((await params).id);
  if ("denied" in access) return null;
  return <AlertsPanel projectId={access.project.id} isAdmin={access.role === "admin"} initialSettings={await alertSettings(db(), access.project.id)} />;
}
