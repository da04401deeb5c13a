"use client";

import { useSyncExternalStore } from "react";

export type Theme = "light" | "dark";

const STORAGE_KEY = "depinhub-theme";

/**
 * Runs in <head> before first paint: applies the saved theme, else the OS
 * preference, and follows OS changes until the user picks one. Keeping this
 * outside React is what prevents a light flash on dark systems.
 */
export const themeBootScript = `(function(){try{var k=${JSON.stringify(STORAGE_KEY)},d=document.documentElement,m=window.matchMedia("(prefers-color-scheme: dark)");function a(t){d.setAttribute("data-theme",t);d.style.colorScheme=t}var s=localStorage.getItem(k);a(s==="light"||s==="dark"?s:m.matches?"dark":"light");m.addEventListener("change",function(e){var c=localStorage.getItem(k);if(c!=="light"&&c!=="dark")a(e.matches?"dark":"light")})}catch(e){}})()`;

function readTheme(): Theme {
  return document.documentElement.getAttribute("data-theme") === "dark" ? "dark" : "light";
}

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => observer.disconnect();
}

/** The theme on <html>; "light" during server rendering and hydration, then the real one. */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, readTheme, () => "light");
}

export function setTheme(theme: Theme): void {
  const root = document.documentElement;
  root.setAttribute("data-theme", theme);
  root.style.colorScheme = theme;
  try {
    localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Private mode or blocked storage: the choice lasts for this page view only.
  }
}

export function ThemeToggle() {
  const theme = useTheme();
  const dark = theme === "dark";
  return (
    <button
      type="button"
      className="icon-button"
      aria-pressed={dark}
      aria-label="Dark mode"
      title={dark ? "Switch to light theme" : "Switch to dark theme"}
      onClick={() => setTheme(dark ? "light" : "dark")}
    >
      <span aria-hidden="true">{dark ? "☾" : "☀"}</span>
    </button>
  );
}
