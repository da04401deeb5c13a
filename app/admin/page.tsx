import type { Metadata } from "next";
import "@/components/admin/admin.css";
import Link from "next/link";
import { myProjects } from "@/lib/admin/access";
import { getSession } from "@/lib/auth/session";
import { serverEnv } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { CreateProjectForm } from "@/components/admin/create-project-form";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const session = await getSession();
  if (!session) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">Admin</h1>
        <div className="card placeholder" data-testid="admin-signed-out">
          <h2>Sign in to run your projects</h2>
          <p>Connect the wallet that administers or operates a project with the button at the top of the page, and sign the message it shows you.</p>
        </div>
      </section>
    );
  }
  const projects = await myProjects(db(), session.address, serverEnv().CHAIN_ID);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Admin</h1>
      <h2>My projects</h2>
      {projects.length > 0 ? (
        <table className="device-table" data-testid="my-projects">
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">On-chain id</th>
              <th scope="col">Your role</th>
              <th scope="col">Devices</th>
            </tr>
          </thead>
          <tbody>
            {projects.map((project) => (
              <tr key={project.id}>
                <th scope="row">
                  <Link href={`/admin/projects/${project.id}`}>{project.name}</Link>
                </th>
                <td>#{project.onchainId}</td>
                <td>{project.role === "admin" ? "Admin" : "Operator"}</td>
                <td>{project.deviceCount.toLocaleString("en")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted" data-testid="my-projects-empty">
          You are not the admin or an operator of any project on this network yet. Create one below, or ask a project&apos;s admin to appoint you.
        </p>
      )}
      <CreateProjectForm />
    </section>
  );
}
