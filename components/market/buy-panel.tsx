"use client";

import { useState } from "react";
import { parseEventLogs, type Abi, type Address, type Hex, type TransactionReceipt } from "viem";
import { demoTokenAbi, deviceRegistryAbi, marketplaceAbi } from "@/lib/chain/abi.generated";
import { formatAmount } from "@/lib/market/format";
import { feedOrderTerms, serviceOrderTerms } from "@/lib/market/order-terms";
import { usePublicConfig } from "@/components/public-config-context";
import { TransactionSteps } from "@/components/devices/transaction-steps";
import { CreateKeyButton } from "./create-key-button";
import { FaucetButton } from "./faucet-button";
import { useMarketTransaction } from "./use-market-transaction";

export interface BuyPanelProps {
  kind: "FEED" | "SERVICE" | "DEVICE";
  seller: Address;
  price: string;
  unit: string;
  onchainId: Hex;
  device: Address;
  /** The server's faucet works (local demo chain): offer demo dUSD next to the buy button. */
  faucet: boolean;
}

/** The id of the order a createOrder receipt created. */
function createdOrderId(receipt: TransactionReceipt): string | null {
  const [created] = parseEventLogs({ abi: marketplaceAbi, eventName: "OrderCreated", logs: receipt.logs });
  return created ? created.args.orderId.toString() : null;
}

/** Unix seconds now: the order's expiry counts from when it is sent. */
function unixNow(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}

/**
 * Buying through the wallet: approve the escrow to take the dUSD, then create
 * the order (feeds, services) or buy the device (token and payment swap in
 * one transaction). The seller of a device lists it on-chain from here too.
 */
export function BuyPanel({ kind, seller, price, unit, onchainId, device, faucet }: BuyPanelProps) {
  const { contracts } = usePublicConfig();
  const { state, send, busy, account } = useMarketTransaction();
  const [quantity, setQuantity] = useState(kind === "FEED" ? 30 : 1);
  const [stepTitle, setStepTitle] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const [orderId, setOrderId] = useState<string | null>(null);
  const marketplace = contracts?.Marketplace;
  const stablecoin = contracts?.Stablecoin;
  if (!marketplace || !stablecoin) return <p className="muted">The marketplace contracts are not configured on this chain.</p>;
  const isSeller = account?.toLowerCase() === seller.toLowerCase();
  // Expiry is counted from when the order is sent (in buy()); the amounts do not depend on it.
  const termsAt = (nowSeconds: bigint) =>
    kind === "FEED" ? feedOrderTerms(BigInt(price), quantity, nowSeconds) : kind === "SERVICE" ? serviceOrderTerms(BigInt(price), quantity, 30, nowSeconds) : null;
  const shown = termsAt(0n);
  const total = shown ? shown.total : BigInt(price);
  const market = { address: marketplace, abi: marketplaceAbi as Abi };

  async function step(title: string, call: Parameters<typeof send>[0]): Promise<TransactionReceipt | null> {
    setStepTitle(title);
    return send(call);
  }

  async function buy() {
    setDone(null);
    setOrderId(null);
    if (!(await step("1 of 2 · Allow the escrow to take the payment", { address: stablecoin as Address, abi: demoTokenAbi as Abi, functionName: "approve", args: [marketplace, total] }))) return;
    const terms = termsAt(unixNow());
    if (terms) {
      const receipt = await step("2 of 2 · Pay into escrow", { ...market, functionName: "createOrder", args: [seller, stablecoin, terms.pricePerUnit, terms.totalUnits, terms.expiresAt, onchainId] });
      if (receipt) {
        const created = createdOrderId(receipt);
        setOrderId(created);
        setDone(`Order #${created ?? "?"} placed: your payment is in escrow and reaches the seller as delivery is attested. Create an API key to read the feed.`);
      }
    } else if (await step("2 of 2 · Buy the device", { ...market, functionName: "buyDevice", args: [BigInt(device), total] })) {
      setDone("The device is yours: token and payment moved in one transaction.");
    }
  }

  async function listDevice() {
    setDone(null);
    if (!(await step("1 of 2 · Let the marketplace transfer the device when sold", { address: contracts?.DeviceRegistry as Address, abi: deviceRegistryAbi as Abi, functionName: "approve", args: [marketplace, BigInt(device)] }))) return;
    if (await step("2 of 2 · Offer it for sale on-chain", { ...market, functionName: "listDevice", args: [BigInt(device), stablecoin, BigInt(price)] })) setDone("Listed on-chain: buyers can now buy it.");
  }

  return (
    <section className="card" aria-labelledby="buy-title" data-testid="buy-panel">
      <h2 id="buy-title">{isSeller ? "Your listing" : "Buy"}</h2>
      {isSeller ? (
        kind === "DEVICE" ? (
          <button type="button" onClick={listDevice} disabled={busy} data-testid="list-device-onchain">
            Offer for sale on-chain
          </button>
        ) : (
          <p className="muted">Buyers pay into escrow; you are paid as delivery is attested.</p>
        )
      ) : (
        <>
          {shown && (
            <label>
              {kind === "FEED" ? "Days" : `Units (${unit})`}{" "}
              <input type="number" min={1} max={kind === "FEED" ? 366 : 1_000_000} value={quantity} onChange={(event) => setQuantity(Math.max(1, Math.floor(Number(event.target.value) || 1)))} data-testid="buy-quantity" />
            </label>
          )}
          <p data-testid="buy-total">Total: {formatAmount(total)}</p>
          <button type="button" onClick={buy} disabled={busy || !account} data-testid="buy-button">
            {kind === "DEVICE" ? "Buy the device" : "Pay into escrow"}
          </button>
          {!account && <p className="muted">Connect your wallet to buy.</p>}
          {account && faucet && <FaucetButton />}
        </>
      )}
      <TransactionSteps state={state} title={stepTitle} />
      {done && (
        <p role="status" data-testid="buy-done">
          {done}
        </p>
      )}
      {orderId && kind !== "DEVICE" && (
        <div data-testid="order-key">
          <CreateKeyButton orderId={orderId} waitForIndexing />
        </div>
      )}
    </section>
  );
}
