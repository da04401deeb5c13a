import { readFileSync } from "node:fs";
import { isAddress, isHex, type Address, type Hex } from "viem";
import { z } from "zod";

const addressSchema = z.custom<Address>((value) => typeof value === "string" && isAddress(value, { strict: false }), {
  message: "must be a 0x-prefixed 20-byte address",
});
const hash32Schema = z.custom<Hex>((value) => typeof value === "string" && isHex(value, { strict: true }) && value.length === 66, {
  message: "must be a 0x-prefixed 32-byte hex hash",
});

/**
 * Every contract `ensureDeployed` deploys, in deployment order. Adding a
 * contract: add its name here and its entry in `deploy.ts`'s DEPLOY_PLAN.
 */
export const CONTRACT_NAMES = [
  "ProjectRegistry",
  "DeviceRegistry",
  "RewardToken",
  "Stablecoin",
  "PoseidonT3",
  "RewardBatchVerifier",
  "RewardDistributor",
  "Marketplace",
] as const;

/** Where one chain's contracts live, and how to tell that chain apart from a fresh one. */
export const deploymentSchema = z.object({
  chainId: z.number().int().positive(),
  /** Hash of block 0: a restarted local chain without its state file gets a new genesis. */
  genesisHash: hash32Schema,
  /** ISO 8601 time of deployment. */
  deployedAt: z.iso.datetime(),
  /** Decimal block number of the first deployment transaction: indexers start reading logs here. */
  blockNumber: z.string().regex(/^\d+$/, "must be a decimal block number"),
  contracts: z.record(z.enum(CONTRACT_NAMES), addressSchema),
  /** keccak256 of each contract's creation bytecode, to notice when the Solidity changed since. */
  bytecodeHashes: z.partialRecord(z.enum(CONTRACT_NAMES), hash32Schema).optional(),
});

export type Deployment = z.infer<typeof deploymentSchema>;
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** A recorded entry from an older build that lacks a contract added since: it gets redeployed. */
const recordedDeploymentSchema = deploymentSchema.extend({ contracts: z.partialRecord(z.enum(CONTRACT_NAMES), addressSchema) });

/** The deployments file: one entry per chain, keyed by the decimal chain id. */
export const deploymentsFileSchema = z
  .record(z.string().regex(/^\d+$/, "keys must be decimal chain ids"), recordedDeploymentSchema)
  .superRefine((file, ctx) => {
    for (const [key, deployment] of Object.entries(file)) {
      if (String(deployment.chainId) !== key) {
        ctx.addIssue({ code: "custom", path: [key, "chainId"], message: `entry under key ${key} has chainId ${deployment.chainId}` });
      }
    }
  });

export type RecordedDeployment = z.infer<typeof recordedDeploymentSchema>;
export type DeploymentsFile = z.infer<typeof deploymentsFileSchema>;

/** The entry as a complete Deployment, or null when it lacks one of today's contracts. */
export function completeDeployment(recorded: RecordedDeployment | undefined): Deployment | null {
  if (!recorded) return null;
  return CONTRACT_NAMES.every((name) => recorded.contracts[name]) ? (recorded as Deployment) : null;
}

/** Every deployment in `file`; an empty object when the file does not exist. Throws if it is malformed. */
export function readDeploymentsFile(file: string): DeploymentsFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = deploymentsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`${file} is not a valid deployments file: ${issues}`);
  }
  return parsed.data;
}

/** The recorded deployment for `chainId`, or null when the file or its entry is missing. */
export function readDeployment(file: string, chainId: number): Deployment | null {
  return completeDeployment(readDeploymentsFile(file)[String(chainId)]);
}
