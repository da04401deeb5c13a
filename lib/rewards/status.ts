/** How an epoch's status reads on the public pages. */
export const EPOCH_STATUS_LABEL: Record<string, string> = {
  computed: "Computed (not proved yet)",
  proved: "Proved (not on-chain yet)",
  submitted: "Submitted (finalizing)",
  confirmed: "Verified on-chain",
  failed: "Failed",
};
