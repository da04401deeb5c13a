import type { ReactNode } from "react";

/** A page that is not built yet says so plainly, and what it will hold. */
export function Placeholder({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <div className="card placeholder">{children}</div>
    </section>
  );
}
