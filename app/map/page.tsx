import type { Metadata } from "next";
import { SensorMap } from "@/components/map/sensor-map";
import { db } from "@/lib/db/client";

export const metadata: Metadata = { title: "Map" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The sensor map: its state lives in the URL (see components/map/map-state.ts). */
export default async function MapPage({ searchParams }: { searchParams: SearchParams }) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) if (typeof value === "string") params.set(key, value);
  const projects = await db().project.findMany({ select: { slug: true, name: true }, orderBy: { name: "asc" }, take: 200 });
  return (
    <>
      <h1 className="visually-hidden">Sensor map</h1>
      <SensorMap projects={projects} initialQuery={params.toString()} />
    </>
  );
}
