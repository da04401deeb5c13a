import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ApiRoute {
  /** e.g. "/api/devices/[address]" */
  template: string;
  /** Dynamic segment names in order, e.g. ["address"]; catch-alls keep their name without dots. */
  params: string[];
  methods: HttpMethod[];
  file: string;
}

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return routeFiles(path);
    return /^route\.(ts|tsx|js)$/.test(name) ? [path] : [];
  });
}

/** Exported handlers, whichever way they are written: `export const GET =`, `export async function GET(`, `export { GET }`. */
function exportedMethods(source: string): HttpMethod[] {
  return HTTP_METHODS.filter((method) =>
    new RegExp(`export\\s+(const|let|async\\s+function|function)\\s+${method}\\b|export\\s*\\{[^}]*\\b${method}\\b[^}]*\\}`).test(source),
  );
}

/**
 * Every app/api/** route handler on disk, so tests that iterate over routes
 * cover routes added later without being edited.
 */
export function discoverApiRoutes(root = process.cwd()): ApiRoute[] {
  const appDir = join(root, "app");
  return routeFiles(join(appDir, "api"))
    .map((file) => {
      const segments = relative(appDir, file).split(sep).slice(0, -1).filter((segment) => !/^\(.*\)$/.test(segment) && !segment.startsWith("@"));
      const params = segments.flatMap((segment) => /^\[+(?:\.\.\.)?([^\]]+)\]+$/.exec(segment)?.[1] ?? []);
      return { template: `/${segments.join("/")}`, params, methods: exportedMethods(readFileSync(file, "utf8")), file: relative(root, file) };
    })
    .sort((a, b) => a.template.localeCompare(b.template));
}

/** Fills a template's dynamic segments (URL-encoded). */
export function routePath(template: string, values: Record<string, string>): string {
  return template.replace(/\[+(?:\.\.\.)?([^\]]+)\]+/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for [${name}] in ${template}`);
    return encodeURIComponent(value);
  });
}
