"use client";

import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import type { Abi, Address } from "viem";
import { ApiError, postJson } from "@/components/api-client";
import { fieldErrorBindings } from "@/components/field-errors";
import { TransactionSteps } from "@/components/devices/transaction-steps";
import { usePublicConfig } from "@/components/public-config-context";
import { deviceRegistryAbi, marketplaceAbi } from "@/lib/chain/abi.generated";
import { shortAddress } from "@/lib/devices/format";
import { fieldErrors, listingFormSchema, type ListingBody } from "@/lib/market/forms";
import type { SellableDevice } from "@/lib/market/seller-devices";
import { SERVICE_UNITS, SERVICE_UNIT_NAMES } from "@/lib/market/service-units";
import { formatReward } from "@/lib/rewards/format";
import { EarningHistoryTable } from "./earning-history";
import { useMarketTransaction } from "./use-market-transaction";

type Kind = ListingBody["kind"];

const KINDS: Array<{ kind: Kind; label: string; help: string }> = [
  { kind: "FEED", label: "Data feed", help: "Buyers pay per month for your devices' readings through an API key." },
  { kind: "SERVICE", label: "Service", help: "Something your devices deliver in units the hub can measure from their signed data (GPS correction minutes, online minutes, readings), priced per unit." },
  { kind: "DEVICE", label: "Device for sale", help: "Sell the device itself: its token and the payment swap in one transaction." },
];

interface Created {
  id: string;
  title: string;
}


/**
 * "New listing": a data feed or a service from some of my devices, or one
 * device for sale (then also the ERC-721 approval to the Marketplace and the
 * on-chain offer, through the wallet). Validated in the browser with the same
 * rules the API applies.
 */
export interface ListingPrefill {
  title: string;
  metrics: string[];
  cells: string[];
}

export function NewListingForm({ devices, metricNames, prefill }: { devices: SellableDevice[]; metricNames: readonly string[]; prefill?: ListingPrefill }) {
  const ids = useId();
  const { contracts } = usePublicConfig();
  const chain = useMarketTransaction();
  const [kind, setKind] = useState<Kind>("FEED");
  const [title, setTitle] = useState(prefill?.title ?? "");
  const [description, setDescription] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  const [metrics, setMetrics] = useState<string[]>(prefill?.metrics ?? []);
  const [cells, setCells] = useState(prefill?.cells.join(", ") ?? "");
  const [unit, setUnit] = useState<string>(SERVICE_UNIT_NAMES[0]);
  const [price, setPrice] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [stepTitle, setStepTitle] = useState("");
  const [onchain, setOnchain] = useState<"idle" | "done" | "failed">("idle");

  if (devices.length === 0) {
    return (
      <div className="card placeholder" data-testid="new-listing-no-devices">
        <h2>You have no devices to list yet</h2>
        <p>
          Listings sell what your devices produce, so claim a device first: <Link href="/devices/claim">claim a device</Link>.
        </p>
      </div>
    );
  }

  const sellable = kind === "DEVICE" ? devices.filter((device) => !device.listedForSale) : devices;
  const pickedDevices = devices.filter((device) => picked.includes(device.address));
  const suggestedMetrics = [...new Set(pickedDevices.flatMap((device) => device.recentMetrics))].sort();
  const knownCells = [...new Set(pickedDevices.flatMap((device) => device.recentCells))];

  function toggle(list: string[], value: string, on: boolean): string[] {
    return on ? [...new Set([...list, value])] : list.filter((item) => item !== value);
  }

  function pickDevice(address: string, on: boolean) {
    if (kind === "DEVICE") {
      setPicked(on ? [address] : []);
      return;
    }
    const next = toggle(picked, address, on);
    setPicked(next);
    // Until the seller chooses metrics, offer what the picked devices measured lately.
    if (metrics.length === 0 && on) setMetrics(devices.find((device) => device.address === address)?.recentMetrics ?? []);
  }

  function chooseKind(next: Kind) {
    setKind(next);
    setErrors({});
    if (next === "DEVICE") setPicked((current) => current.slice(0, 1));
  }

  async function listOnChain(device: Address, amount: string): Promise<boolean> {
    const marketplace = contracts?.Marketplace;
    if (!marketplace || !contracts?.DeviceRegistry || !contracts.Stablecoin) return false;
    setStepTitle("1 of 2 · Let the marketplace transfer the device when it is sold");
    if (!(await chain.send({ address: contracts.DeviceRegistry, abi: deviceRegistryAbi as Abi, functionName: "approve", args: [marketplace, BigInt(device)] }))) return false;
    setStepTitle("2 of 2 · Offer it for sale on-chain");
    return (await chain.send({ address: marketplace, abi: marketplaceAbi as Abi, functionName: "listDevice", args: [BigInt(device), contracts.Stablecoin, BigInt(amount)] })) !== null;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitError(null);
    const raw = kind === "DEVICE" ? { kind, title, description, price, devices: picked } : kind === "FEED" ? { kind, title, description, price, devices: picked, metrics, cells } : { kind, title, description, price, devices: picked, metrics, cells, unit };
    const parsed = listingFormSchema.safeParse(raw);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const listing = await postJson<Created>("/api/market/listings", parsed.data);
      setCreated(listing);
      if (parsed.data.kind === "DEVICE") setOnchain((await listOnChain(parsed.data.devices[0] as Address, parsed.data.price)) ? "done" : "failed");
    } catch (error) {
      setSubmitError(error instanceof ApiError ? error.message : "The listing could not be saved; try again.");
    } finally {
      setSaving(false);
    }
  }

  const { field, errorOf } = fieldErrorBindings<string>(ids, errors);

  if (created) {
    return (
      <section className="card" aria-labelledby={`${ids}-done`} data-testid="new-listing-created">
        <h2 id={`${ids}-done`}>Listed: {created.title}</h2>
        {kind === "DEVICE" && <TransactionSteps state={chain.state} title={stepTitle} />}
        {kind === "DEVICE" && onchain === "failed" && <p role="alert">The listing is saved, but not yet offered on-chain: open it and press “Offer for sale on-chain” to try again.</p>}
        {kind === "DEVICE" && onchain === "done" && <p role="status">Offered on-chain: a buyer can now buy it.</p>}
        <p>
          <Link href={`/market/listings/${created.id}`} data-testid="new-listing-link">
            Open the listing
          </Link>{" "}
          · <Link href="/market/dashboard">Your dashboard</Link>
        </p>
      </section>
    );
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate className="market-form card" data-testid="new-listing" aria-busy={saving}>
      <fieldset>
        <legend>What do you offer?</legend>
        {KINDS.map((option) => (
          <label key={option.kind} className="choice">
            <input type="radio" name="kind" value={option.kind} checked={kind === option.kind} onChange={() => chooseKind(option.kind)} /> {option.label}{" "}
            <span className="muted">{option.help}</span>
          </label>
        ))}
      </fieldset>

      <label htmlFor={`${ids}-title`}>Title</label>
      <input id={`${ids}-title`} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={120} placeholder={kind === "DEVICE" ? "Air-quality sensor, 2 years of data" : "PM2.5 in Berlin-Mitte, every minute"} {...field("title")} />
      {errorOf("title")}

      <label htmlFor={`${ids}-description`}>Description (optional)</label>
      <textarea id={`${ids}-description`} value={description} onChange={(e) => setDescription(e.target.value)} rows={3} maxLength={4000} {...field("description")} />
      {errorOf("description")}

      <fieldset {...field("devices")}>
        <legend>{kind === "DEVICE" ? "The device to sell" : "Your devices in this listing"}</legend>
        {sellable.length === 0 && <p className="muted">All your devices are already for sale.</p>}
        {sellable.map((device) => (
          <div key={device.address} className="choice">
            <label>
              <input
                type={kind === "DEVICE" ? "radio" : "checkbox"}
                name="devices"
                value={device.address}
                checked={picked.includes(device.address)}
                onChange={(e) => pickDevice(device.address, e.target.checked)}
                data-testid={`pick-device-${device.address.toLowerCase()}`}
              />{" "}
              <code className="address" title={device.address}>
                {device.label === device.address ? shortAddress(device.address) : device.label}
              </code>{" "}
              · {device.model} · {device.projectName}
              {!device.active && <span className="pill pill-bad"> deactivated</span>}
              <span className="muted"> · measured lately: {device.recentMetrics.join(", ") || "nothing"}</span>
            </label>
            {kind === "DEVICE" && picked.includes(device.address) && <EarningHistory device={device} />}
          </div>
        ))}
      </fieldset>
      {errorOf("devices")}

      {kind !== "DEVICE" && (
        <>
          <fieldset {...field("metrics")}>
            <legend>Metrics</legend>
            {metricNames.map((name) => (
              <label key={name} className="choice-inline">
                <input type="checkbox" name="metrics" value={name} checked={metrics.includes(name)} onChange={(e) => setMetrics(toggle(metrics, name, e.target.checked))} /> {name}
                {suggestedMetrics.includes(name) && <span className="muted"> (measured)</span>}
              </label>
            ))}
          </fieldset>
          {errorOf("metrics")}

          <label htmlFor={`${ids}-cells`}>Area as H3 cells (optional)</label>
          <textarea id={`${ids}-cells`} value={cells} onChange={(e) => setCells(e.target.value)} rows={2} spellCheck={false} placeholder="871f1d489ffffff, …" aria-describedby={`${ids}-cells-help`} {...field("cells")} />
          <p id={`${ids}-cells-help`} className="muted">
            Empty: where the devices reported from over the last week ({knownCells.length} cell{knownCells.length === 1 ? "" : "s"} for the devices picked).
          </p>
          {errorOf("cells")}
        </>
      )}

      {kind === "SERVICE" && (
        <>
          <label htmlFor={`${ids}-unit`}>Unit</label>
          <select id={`${ids}-unit`} value={unit} onChange={(e) => setUnit(e.target.value)} {...field("unit")}>
            {SERVICE_UNIT_NAMES.map((name) => (
              <option key={name} value={name}>
                {SERVICE_UNITS[name].label}
              </option>
            ))}
          </select>
          {errorOf("unit")}
        </>
      )}

      <label htmlFor={`${ids}-price`}>{kind === "FEED" ? "Price per month (dUSD)" : kind === "SERVICE" ? "Price per unit (dUSD)" : "Price (dUSD)"}</label>
      <input id={`${ids}-price`} value={price} onChange={(e) => setPrice(e.target.value)} inputMode="decimal" placeholder="30.00" {...field("price")} />
      {kind === "FEED" && <p className="muted">Buyers pay per day (the monthly price / 30) for as many days as they choose.</p>}
      {errorOf("price")}

      {kind === "DEVICE" && <p className="muted">After saving, your wallet asks twice: to let the marketplace transfer the device when sold, then to offer it at this price.</p>}
      <button type="submit" className="button" disabled={saving} data-testid="new-listing-submit">
        {saving ? "Saving…" : kind === "DEVICE" ? "List the device for sale" : "Publish the listing"}
      </button>
      {submitError && (
        <p role="alert" data-testid="new-listing-error">
          {submitError}
        </p>
      )}
    </form>
  );
}

function EarningHistory({ device }: { device: SellableDevice }) {
  if (device.earnings.length === 0) return <p className="muted">No reward epochs yet: a buyer sees that it has not earned anything.</p>;
  return (
    <EarningHistoryTable
      earnings={device.earnings}
      caption={`Earned so far: ${formatReward(device.earnedTotal)} (a buyer sees this history on the listing)`}
      testId="device-earning-history"
    />
  );
}
