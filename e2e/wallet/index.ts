export { installTestWallet, TEST_WALLET_NAME, TEST_WALLET_RDNS } from "./install";
export { TestWallet, ANVIL_CHAIN_ID, PROMPT_METHODS, type PromptMethod, type TestWalletOptions, type WalletChain } from "./test-wallet";
export { ANVIL_DEV_PRIVATE_KEYS, devAccount } from "./dev-accounts";
