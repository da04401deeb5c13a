"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useId, useMemo, useState, useSyncExternalStore, type UIEvent } from "react";
import type { Address } from "viem";
import { deviceRegistryAbi } from "@/lib/chain/abi.generated";
import { FLEET_STATUSES, fleetQueryString, parseFleetQuery, type FleetPage, type FleetQuery, type FleetSort } from "@/lib/admin/fleet-query";
import { formatReward } from "@/lib/rewards/format";
import { shortAddress } from "@/lib/devices/format";
import { apiFetch } from "@/components/api-client";
import { TransactionSteps } from "@/components/devices/transaction-steps";
import { useChainTransaction } from "@/components/use-chain-transaction";

const ROW_HEIGHT = 36;
const VIEWPORT_HEIGHT = 540;
const OVERSCAN = 8;
const SAVED_VIEWS_KEY = "depinhub.admin.fleetViews";

const COLUMNS: Array<{ sort: FleetSort | null; label: string }> = [
  { sort: "serial", label: "Device" },
  { sort: "model", label: "Model" },
  { sort: "firmware", label: "Firmware" },
  { sort: "status", label: "Status" },
  { sort: "lastSeen", label: "Last seen" },
  { sort: "quality", label: "Quality" },
  { sort: "battery", label: "Battery" },
  { sort: "owner", label: "Owner" },
  { sort: "active", label: "Active" },
  { sort: "earnings", label: "Earned" },
];

interface SavedView {
  name: string;
  query: string;
}

function parseSavedViews(raw: string | null, projectId: number): SavedView[] {
  try {
    const all = JSON.parse(raw ?? "{}") as Record<string, SavedView[]>;
    return Array.isArray(all[projectId]) ? all[projectId] : [];
  } catch {
    return [];
  }
}

const SAVED_VIEWS_EVENT = "depinhub:fleet-views";

function subscribeSavedViews(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener(SAVED_VIEWS_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(SAVED_VIEWS_EVENT, onChange);
  };
}

function writeSavedViews(projectId: number, views: SavedView[]): void {
  let all: Record<string, SavedView[]> = {};
  try {
    all = JSON.parse(localStorage.getItem(SAVED_VIEWS_KEY) ?? "{}") as Record<string, SavedView[]>;
  } catch {
    // A corrupt entry is replaced.
  }
  all[projectId] = views;
  localStorage.setItem(SAVED_VIEWS_KEY, JSON.stringify(all));
  window.dispatchEvent(new Event(SAVED_VIEWS_EVENT));
}

function safeQuery(params: URLSearchParams): FleetQuery {
  try {
    return parseFleetQuery(params);
  } catch {
    return parseFleetQuery({});
  }
}

/**
 * The project's fleet: the view (filters, sort, page) lives in the URL, so a
 * view is saved by bookmarking or naming it; the server pages and sorts; only
 * the rows in the scrolled window are in the DOM.
 */
export function FleetTable({ projectId }: { projectId: number }) {
  const ids = useId();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const queryClient = useQueryClient();
  const query = useMemo(() => safeQuery(new URLSearchParams(searchParams.toString())), [searchParams]);
  const queryString = fleetQueryString(query);
  const [scrollTop, setScrollTop] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [search, setSearch] = useState(query.q ?? "");
  // Named views are URLs kept in this browser; the URL alone is already a shareable saved view.
  const savedViewsRaw = useSyncExternalStore(subscribeSavedViews, () => localStorage.getItem(SAVED_VIEWS_KEY), () => null);
  const savedViews = useMemo(() => parseSavedViews(savedViewsRaw, projectId), [savedViewsRaw, projectId]);
  const [bulk, setBulk] = useState<{ done: number; total: number; action: string } | null>(null);
  const tx = useChainTransaction();

  const { data, isPending, error } = useQuery({
    queryKey: ["fleet", projectId, queryString],
    queryFn: () => apiFetch<FleetPage>(`/api/admin/projects/${projectId}/devices?${queryString}`),
    placeholderData: (previous) => previous,
  });

  const setView = (patch: Partial<FleetQuery>) => {
    const next = fleetQueryString({ ...query, page: 1, ...patch });
    setSelected(new Set());
    router.replace(next ? `${pathname}?${next}` : pathname, { scroll: false });
  };

  const rows = data?.rows ?? [];
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + VIEWPORT_HEIGHT) / ROW_HEIGHT) + OVERSCAN);
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  const toggleSort = (sort: FleetSort) => setView({ sort, dir: query.sort === sort && query.dir === "asc" ? "desc" : "asc", page: 1 });
  const toggle = (address: string) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (next.has(address)) next.delete(address);
      else next.add(address);
      return next;
    });

  const setActive = async (active: boolean) => {
    const devices = rows.filter((row) => selected.has(row.address) && row.active !== active).map((row) => row.address as Address);
    setBulk({ done: 0, total: devices.length, action: active ? "Reactivating" : "Deactivating" });
    // The contract changes one device per call, so a bulk action is one transaction per device.
    for (const [index, device] of devices.entries()) {
      if (!(await tx.send({ abi: deviceRegistryAbi, contract: "DeviceRegistry", functionName: "setDeviceActive", args: [device, active] }))) break;
      setBulk({ done: index + 1, total: devices.length, action: active ? "Reactivating" : "Deactivating" });
    }
    setSelected(new Set());
    // The indexer needs a moment to see the transactions.
    for (const delay of [1500, 4000]) setTimeout(() => void queryClient.invalidateQueries({ queryKey: ["fleet", projectId] }), delay);
  };

  const saveView = () => {
    const name = window.prompt("Name this view");
    if (!name?.trim()) return;
    const views = [...savedViews.filter((v) => v.name !== name.trim()), { name: name.trim(), query: queryString }];
    writeSavedViews(projectId, views);
  };

  return (
    <div className="fleet">
      <form
        className="fleet-filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setView({ q: search.trim() || undefined });
        }}
      >
        <label htmlFor={`${ids}-q`}>Search</label>
        <input id={`${ids}-q`} value={search} onChange={(e) => setSearch(e.target.value)} placeholder="address, serial, model, firmware, owner" />
        <label htmlFor={`${ids}-status`}>Status</label>
        <select id={`${ids}-status`} value={query.status ?? ""} onChange={(e) => setView({ status: (e.target.value || undefined) as FleetQuery["status"] })}>
          <option value="">any</option>
          {FLEET_STATUSES.map((status) => (
            <option key={status}>{status}</option>
          ))}
        </select>
        <label htmlFor={`${ids}-active`}>Active</label>
        <select id={`${ids}-active`} value={query.active === undefined ? "" : String(query.active)} onChange={(e) => setView({ active: e.target.value === "" ? undefined : e.target.value === "true" })}>
          <option value="">any</option>
          <option value="true">active</option>
          <option value="false">deactivated</option>
        </select>
        <label htmlFor={`${ids}-claimed`}>Claimed</label>
        <select id={`${ids}-claimed`} value={query.claimed === undefined ? "" : String(query.claimed)} onChange={(e) => setView({ claimed: e.target.value === "" ? undefined : e.target.value === "true" })}>
          <option value="">any</option>
          <option value="true">claimed</option>
          <option value="false">unclaimed</option>
        </select>
        <label htmlFor={`${ids}-fw`}>Firmware</label>
        <input id={`${ids}-fw`} defaultValue={query.firmware ?? ""} onBlur={(e) => setView({ firmware: e.target.value.trim() || undefined })} size={8} />
        <label htmlFor={`${ids}-qb`}>Quality below</label>
        <input id={`${ids}-qb`} type="number" min={0} max={101} defaultValue={query.qualityBelow ?? ""} onBlur={(e) => setView({ qualityBelow: e.target.value === "" ? undefined : Number(e.target.value) })} size={4} />
        <label htmlFor={`${ids}-bb`}>Battery below</label>
        <input id={`${ids}-bb`} type="number" min={0} max={101} defaultValue={query.batteryBelow ?? ""} onBlur={(e) => setView({ batteryBelow: e.target.value === "" ? undefined : Number(e.target.value) })} size={4} />
        <button type="submit" className="button">
          Apply
        </button>
      </form>

      <p className="fleet-toolbar">
        <a className="button button-secondary" href={`/api/admin/projects/${projectId}/devices/export?${queryString}`} download data-testid="fleet-export">
          Export CSV
        </a>{" "}
        <button type="button" className="button button-secondary" onClick={saveView}>
          Save this view
        </button>{" "}
        {savedViews.map((view) => (
          <Link key={view.name} href={view.query ? `${pathname}?${view.query}` : pathname} className="pill">
            {view.name}
          </Link>
        ))}
      </p>

      <p className="fleet-toolbar">
        <span>{selected.size} selected</span>{" "}
        <button type="button" className="button" disabled={selected.size === 0 || tx.busy} onClick={() => void setActive(false)} data-testid="bulk-deactivate">
          Deactivate
        </button>{" "}
        <button type="button" className="button button-secondary" disabled={selected.size === 0 || tx.busy} onClick={() => void setActive(true)} data-testid="bulk-reactivate">
          Reactivate
        </button>
        {bulk && (
          <span role="status" data-testid="bulk-progress">
            {" "}
            {bulk.action} {bulk.done} / {bulk.total}
          </span>
        )}
      </p>
      <TransactionSteps state={tx.state} title="Device status transaction" />

      {error && <p role="alert">{error.message}</p>}
      <p className="muted" aria-live="polite" data-testid="fleet-total">
        {isPending ? "Loading…" : `${data?.total.toLocaleString("en") ?? 0} devices`}
      </p>
      <div className="fleet-grid" role="table" aria-label="Fleet" aria-rowcount={rows.length + 1} data-testid="fleet-table">
        <div role="rowgroup">
          <div role="row" className="fleet-row fleet-head">
            <span role="columnheader">
              <input
                type="checkbox"
                aria-label="Select all on this page"
                checked={rows.length > 0 && rows.every((row) => selected.has(row.address))}
                onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((row) => row.address)) : new Set())}
              />
            </span>
            {COLUMNS.map((column) => (
              <span role="columnheader" key={column.label} aria-sort={column.sort && query.sort === column.sort ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
                {column.sort ? (
                  <button type="button" className="link-button" onClick={() => toggleSort(column.sort!)}>
                    {column.label}
                    {query.sort === column.sort ? (query.dir === "asc" ? " ▲" : " ▼") : ""}
                  </button>
                ) : (
                  column.label
                )}
              </span>
            ))}
          </div>
        </div>
        <div role="rowgroup" className="fleet-body" style={{ height: VIEWPORT_HEIGHT }} onScroll={(e: UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop)}>
          <div style={{ height: rows.length * ROW_HEIGHT, position: "relative" }}>
            {rows.slice(first, last).map((row, offset) => (
              <div role="row" key={row.address} className="fleet-row" style={{ position: "absolute", top: (first + offset) * ROW_HEIGHT, height: ROW_HEIGHT }} data-address={row.address}>
                <span role="cell">
                  <input type="checkbox" aria-label={`Select ${row.serial ?? row.address}`} checked={selected.has(row.address)} onChange={() => toggle(row.address)} />
                </span>
                <span role="cell" title={row.address}>
                  <Link href={`/devices/${row.address}`}>{row.serial ?? shortAddress(row.address)}</Link>
                </span>
                <span role="cell">{row.model}</span>
                <span role="cell">{row.firmware ?? "—"}</span>
                <span role="cell">
                  <span className={row.status === "online" ? "pill pill-ok" : row.status === "offline" ? "pill pill-bad" : "pill"}>{row.status}</span>
                </span>
                <span role="cell">{row.lastSeenAt ? row.lastSeenAt.replace("T", " ").slice(0, 16) : "never"}</span>
                <span role="cell">{row.quality ?? "—"}</span>
                <span role="cell">{row.battery === null ? "—" : `${row.battery}%`}</span>
                <span role="cell" title={row.owner ?? undefined}>{row.owner ? shortAddress(row.owner) : "unclaimed"}</span>
                <span role="cell" data-testid="device-active">{row.active ? "active" : "deactivated"}</span>
                <span role="cell" data-testid="device-earned" title={row.lastEpochEarned === null ? "Not in a finalized epoch yet" : `Last finalized epoch: ${formatReward(row.lastEpochEarned)}`}>
                  {row.earned === null ? "—" : formatReward(row.earned)}
                </span>
              </div>
            ))}
          </div>
        </div>
      </div>
      <nav className="fleet-pages" aria-label="Pages">
        <button type="button" className="button button-secondary" disabled={query.page <= 1} onClick={() => setView({ page: query.page - 1 })}>
          Previous
        </button>{" "}
        Page {query.page} of {pages}{" "}
        <button type="button" className="button button-secondary" disabled={query.page >= pages} onClick={() => setView({ page: query.page + 1 })}>
          Next
        </button>{" "}
        <label htmlFor={`${ids}-size`}>Rows per page</label>{" "}
        <select id={`${ids}-size`} value={query.pageSize} onChange={(e) => setView({ pageSize: Number(e.target.value) })}>
          {[100, 250, 500].map((size) => (
            <option key={size}>{size}</option>
          ))}
        </select>
      </nav>
    </div>
  );
}

