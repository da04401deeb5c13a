import type { Metadata } from "next";
import { Placeholder } from "@/components/placeholder";

export const metadata: Metadata = { title: "Admin" };

export default function AdminPage() {
  return (
    <Placeholder title="Admin">
      <p>
        For project admins: register device fleets, watch their health, set reward policies and follow every reward
        epoch as it is proved and paid. It is not built yet.
      </p>
    </Placeholder>
  );
}
