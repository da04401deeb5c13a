"use client";

import { useEffect, useRef, useState, useSyncExternalStore } from "react";

// The Shape Detection API is not in TypeScript's DOM library yet; only what we call is declared.
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorInstance {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorConstructor = new (options?: { formats?: string[] }) => BarcodeDetectorInstance;

function barcodeDetector(): BarcodeDetectorConstructor | null {
  const candidate = (globalThis as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
  return typeof candidate === "function" && typeof navigator !== "undefined" && Boolean(navigator.mediaDevices?.getUserMedia) ? candidate : null;
}

const noSubscription = () => () => {};

/**
 * Scans a QR label with the camera where the browser has BarcodeDetector; renders
 * nothing elsewhere (pasting always works). The decoded text stays in this page.
 */
export function LabelScanner({ onScan }: { onScan: (text: string) => void }) {
  // Server render and hydration say "unsupported"; the browser's answer follows (no navigator on the server).
  const supported = useSyncExternalStore(noSubscription, () => barcodeDetector() !== null, () => false);
  const [scanning, setScanning] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const videoRef = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (!scanning) return;
    const Detector = barcodeDetector();
    if (!Detector) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    let cancelled = false;
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        if (cancelled || !videoRef.current) return;
        videoRef.current.srcObject = stream;
        await videoRef.current.play();
        const detector = new Detector({ formats: ["qr_code"] });
        timer = setInterval(async () => {
          if (!videoRef.current) return;
          const [code] = await detector.detect(videoRef.current).catch(() => []);
          if (code?.rawValue) {
            setScanning(false);
            onScan(code.rawValue);
          }
        }, 300);
      } catch {
        setProblem("The camera is not available (permission denied or no camera). Paste the label text instead.");
        setScanning(false);
      }
    })();
    return () => {
      cancelled = true;
      clearInterval(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [scanning, onScan]);

  if (!supported) return null;
  return (
    <div className="label-scanner">
      <button type="button" className="button button-secondary" onClick={() => { setProblem(null); setScanning((on) => !on); }}>
        {scanning ? "Stop scanning" : "Scan the QR code with the camera"}
      </button>
      {scanning && <video ref={videoRef} muted playsInline aria-label="Camera preview for scanning the label" className="scanner-video" />}
      {problem && <p role="alert">{problem}</p>}
    </div>
  );
}
