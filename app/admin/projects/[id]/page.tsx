import type { Metadata } from "next";
import { Suspense } from "react";
import { projectAccessForPage } from "@/lib/admin/page-access";
import { FleetTable } from "@/components/admin/fleet-table";

export const metadata: Metadata = { title: "Fleet" };

export default async function FleetPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await projectAccessForPage((await params).id);
  if ("denied" in access) return null;
  return (
    <Suspense fallback={<p className="muted">Loading the fleet…</p>}>
      <FleetTable projectId={access.project.id} />
    </Suspense>
  );
}
