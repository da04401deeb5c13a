import type { Hex } from "viem";
import { requireSession } from "@/lib/auth/session";
import { LOCAL_DEV_PRIVATE_KEY } from "@/lib/chain/deploy";
import { readDeployment } from "@/lib/chain/deployments";
import { serverEnv } from "@/lib/config/env";
import { handle } from "@/lib/http/handler";
import { dripStablecoin } from "@/lib/market/faucet";

/** Local demo chain only: 1,000 dUSD to the signed-in account (rate-limited per account). */
export const POST = handle(async () => {
  const session = await requireSession();
  const env = serverEnv();
  const deployment = readDeployment(env.DEPLOYMENTS_FILE, env.CHAIN_ID);
  const minterKey = (env.DEPLOYER_PRIVATE_KEY ?? LOCAL_DEV_PRIVATE_KEY) as Hex;
  return Response.json(await dripStablecoin({ chainId: env.CHAIN_ID, rpcUrl: env.RPC_URLS, stablecoin: deployment?.contracts.Stablecoin, minterKey }, session.address), { status: 201 });
});
