import type { Metadata } from "next";
import { projectAccessForPage } from "@/lib/admin/page-access";
import { RegisterDevices } from "@/components/admin/register-devices";

export const metadata: Metadata = { title: "Register devices" };

export default async function RegisterPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await projectAccessForPage((await params).id);
  if ("denied" in access) return null;
  return <RegisterDevices projectId={access.project.id} onchainId={String(access.project.onchainId)} slug={access.project.slug} />;
}
