import type { ReactNode } from "react";
import "@/components/admin/admin.css";
import Link from "next/link";
import { projectAccessForPage } from "@/lib/admin/page-access";
import { ProjectTabs } from "@/components/admin/project-tabs";

type Props = { children: ReactNode; params: Promise<{ id: string }> };

/** Every page under a project passes the project-access guard here first. */
export default async function ProjectAdminLayout({ children, params }: Props) {
  const { id } = await params;
  const access = await projectAccessForPage(id);
  if ("denied" in access) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">Project admin</h1>
        <div className="card placeholder" data-testid="admin-forbidden">
          {access.denied === "signed_out" ? (
            <>
              <h2>Sign in first</h2>
              <p>Connect and sign in with the wallet that administers or operates this project.</p>
            </>
          ) : (
            <>
              <h2>No access</h2>
              <p>You are not an admin or operator of this project.</p>
            </>
          )}
          <p>
            <Link href="/admin">Back to my projects</Link>
          </p>
        </div>
      </section>
    );
  }
  const { project, role } = access;
  return (
    <section aria-labelledby="page-title">
      <p className="muted">
        <Link href="/admin">My projects</Link> / #{String(project.onchainId)}
      </p>
      <h1 id="page-title">{project.name}</h1>
      <p className="muted">You are its {role}.</p>
      <ProjectTabs base={`/admin/projects/${project.id}`} />
      {children}
    </section>
  );
}
