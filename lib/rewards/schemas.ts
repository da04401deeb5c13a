import { z } from "zod";

/** A RewardEpoch row id in a path segment. */
export const epochIdSchema = z.coerce.number().int().positive().max(2_147_483_647);
