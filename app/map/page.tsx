import type { Metadata } from "next";
import { Placeholder } from "@/components/placeholder";

export const metadata: Metadata = { title: "Map" };

export default function MapPage() {
  return (
    <Placeholder title="Map">
      <p>
        A live map of every registered device — air-quality sensors, GPS trackers, weather stations, solar meters and
        dashcams — with their latest signed readings and uptime. It is not built yet.
      </p>
    </Placeholder>
  );
}
