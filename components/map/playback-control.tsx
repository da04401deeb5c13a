"use client";

import { useEffect, useMemo, useState } from "react";
import { FRAME_MS, playbackFrames, type TimeWindow } from "@/lib/map/viewport-params";

/** How long each frame stays on screen while playing. */
const FRAME_INTERVAL_MS = 1_500;

const FRAME_LABELS: Record<TimeWindow, string> = { "1h": "5-minute frames", "24h": "hourly frames", "7d": "6-hourly frames" };

function frameLabel(frame: Date, window: TimeWindow): string {
  const end = new Date(frame.getTime() + FRAME_MS[window]);
  const format = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");
  return `${format(frame)} – ${format(end).slice(window === "7d" ? 0 : 11)} UTC`;
}

/**
 * Play/pause and a slider stepping through the window's frames. The chosen
 * frame is the map's state (in the URL as t=); null means live. A native
 * range input and a button: both keyboard operable, the slider by arrow keys.
 */
export function PlaybackControl({ window, frame, onFrame }: { window: TimeWindow; frame: string | null; onFrame: (frame: string | null) => void }) {
  // Frames are fixed while the window is, so playback does not shift under the user every hour.
  const frames = useMemo(() => playbackFrames(window, new Date()).map((d) => d.toISOString()), [window]);
  const [playing, setPlaying] = useState(false);
  const index = frame === null ? -1 : frames.indexOf(frame);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const next = index + 1;
      if (next >= frames.length) {
        setPlaying(false);
        return;
      }
      onFrame(frames[next]!);
    }, FRAME_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [playing, index, frames, onFrame]);

  const shown = index >= 0 ? index : frames.length - 1;
  return (
    <fieldset className="map-playback" data-testid="map-playback">
      <legend>Playback ({FRAME_LABELS[window]})</legend>
      <div className="map-row">
        <button
          type="button"
          aria-pressed={playing}
          onClick={() => {
            if (!playing && (index < 0 || index >= frames.length - 1)) onFrame(frames[0]!);
            setPlaying(!playing);
          }}
        >
          {playing ? "Pause" : "Play"}
        </button>
        <button type="button" disabled={frame === null} onClick={() => { setPlaying(false); onFrame(null); }}>
          Live
        </button>
      </div>
      <label>
        Frame
        <input
          type="range"
          min={0}
          max={frames.length - 1}
          step={1}
          value={shown}
          aria-valuetext={index >= 0 ? frameLabel(new Date(frames[index]!), window) : "live"}
          onChange={(e) => {
            setPlaying(false);
            onFrame(frames[Number(e.target.value)]!);
          }}
        />
      </label>
      <p className="muted" data-testid="map-frame" aria-live="polite">
        {index >= 0 ? frameLabel(new Date(frames[index]!), window) : "Live: latest readings"}
      </p>
    </fieldset>
  );
}
