pragma circom 2.1.0;

// One batch of B device slots of a project's reward epoch (docs/rewards.md).
// Proves: every device's amount follows lib/rewards/policy.ts from the committed inputs and the
// policy whose hash is public; the previous cumulative amounts are the leaves of the previous batch
// root; the new root holds previous + amount for every slot.

include "../node_modules/circomlib/circuits/poseidon.circom";
include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";

// x < 2^n, as a constraint.
template Bits(n) {
    signal input in;
    component bits = Num2Bits(n);
    bits.in <== in;
}

// q = floor(num / d), r = num mod d for a constant d < 2^dBits; q < 2^qBits.
template DivConst(d, dBits, qBits) {
    signal input num;
    signal output q;
    signal r;
    q <-- num \ d;
    r <-- num % d;
    num === q * d + r;
    component qRange = Bits(qBits);
    qRange.in <== q;
    component rRange = Bits(dBits);
    rRange.in <== r;
    component rBelow = LessThan(dBits);
    rBelow.in[0] <== r;
    rBelow.in[1] <== d;
    rBelow.out === 1;
}

// Leaf of a slot: 0 while its cumulative amount is 0 (empty or not yet earning), else Poseidon(device, cumulative).
template Leaf() {
    signal input device;
    signal input cumulative;
    signal output out;
    component isZero = IsZero();
    isZero.in <== cumulative;
    component hash = Poseidon(2);
    hash.inputs[0] <== device;
    hash.inputs[1] <== cumulative;
    out <== hash.out * (1 - isZero.out);
}

template MerkleRoot(depth) {
    var n = 1 << depth;
    signal input leaves[n];
    signal output root;
    component nodes[n - 1];
    signal level[2 * n - 1];
    for (var i = 0; i < n; i++) level[n - 1 + i] <== leaves[i];
    for (var i = n - 2; i >= 0; i--) {
        nodes[i] = Poseidon(2);
        nodes[i].inputs[0] <== level[2 * i + 1];
        nodes[i].inputs[1] <== level[2 * i + 2];
        level[i] <== nodes[i].out;
    }
    root <== level[0];
}

template RewardBatch(depth) {
    var B = 1 << depth;

    // Public inputs, in this order (the verifier's and RewardDistributor's order).
    signal input epoch;
    signal input policyHash;
    signal input inputsCommitment;
    signal input prevRoot;
    signal input newRoot;
    signal input batchRaw;
    signal input batchPaid;
    signal input epochRaw;
    signal input budget;

    // Policy parameters (hashed into policyHash).
    signal input policyVersion;
    signal input basePerMinute;
    signal input minQualityMultiplierBps;
    signal input coverageBonusBps;
    signal input demandBonusBps;

    // Per slot.
    signal input device[B];
    signal input onlineMinutes[B];
    signal input qualityScore[B];
    signal input underserved[B];
    signal input inDemand[B];
    signal input active[B];
    signal input prevCumulative[B];

    // Bind the epoch into the statement even though no formula uses it.
    signal epochSquared <== epoch * epoch;

    // ── Policy ──
    component policy = Poseidon(6);
    policy.inputs[0] <== policyVersion;
    policy.inputs[1] <== basePerMinute;
    policy.inputs[2] <== minQualityMultiplierBps;
    policy.inputs[3] <== coverageBonusBps;
    policy.inputs[4] <== demandBonusBps;
    policy.inputs[5] <== budget;
    policyHash === policy.out;

    component versionRange = Bits(32);
    versionRange.in <== policyVersion;
    component baseRange = Bits(64);
    baseRange.in <== basePerMinute;
    component minQRange = Bits(14);
    minQRange.in <== minQualityMultiplierBps;
    component minQMax = LessThan(14);
    minQMax.in[0] <== minQualityMultiplierBps;
    minQMax.in[1] <== 10001;
    minQMax.out === 1;
    component coverageRange = Bits(16);
    coverageRange.in <== coverageBonusBps;
    component demandRange = Bits(16);
    demandRange.in <== demandBonusBps;
    component budgetRange = Bits(120);
    budgetRange.in <== budget;
    component epochRawRange = Bits(120);
    epochRawRange.in <== epochRaw;

    // Budget scaling: amount = floor(raw · scaleNum / scaleDen) with (budget, epochRaw) when over budget, else (1, 1).
    component overBudget = LessThan(120);
    overBudget.in[0] <== budget;
    overBudget.in[1] <== epochRaw;
    signal scaleNum <== 1 + overBudget.out * (budget - 1);
    signal scaleDen <== 1 + overBudget.out * (epochRaw - 1);

    // ── Slots ──
    component inputsHash[B];
    component commitment = Poseidon(B);
    component minutesRange[B];
    component qualityRange[B];
    component qualityMax[B];
    component qualityStep[B];
    component rawDiv[B];
    component amountRange[B];
    component remainderRange[B];
    component remainderBelow[B];
    component prevLeaf[B];
    component newLeaf[B];
    component prevTree = MerkleRoot(depth);
    component newTree = MerkleRoot(depth);

    signal qualityMultiplier[B];
    signal bonus[B];
    signal coveragePart[B];
    signal demandPart[B];
    signal baseMinutes[B];
    signal weighted[B];
    signal product[B];
    signal rawUnmasked[B];
    signal raw[B];
    signal scaledNumerator[B];
    signal amount[B];
    signal remainder[B];
    signal rawSum[B + 1];
    signal paidSum[B + 1];
    rawSum[0] <== 0;
    paidSum[0] <== 0;

    for (var i = 0; i < B; i++) {
        underserved[i] * (underserved[i] - 1) === 0;
        inDemand[i] * (inDemand[i] - 1) === 0;
        active[i] * (active[i] - 1) === 0;
        minutesRange[i] = Bits(16);
        minutesRange[i].in <== onlineMinutes[i];
        qualityRange[i] = Bits(7);
        qualityRange[i].in <== qualityScore[i];
        qualityMax[i] = LessThan(7);
        qualityMax[i].in[0] <== qualityScore[i];
        qualityMax[i].in[1] <== 101;
        qualityMax[i].out === 1;

        // Commitment to the published inputs: Poseidon(device, packed flags and counters).
        inputsHash[i] = Poseidon(2);
        inputsHash[i].inputs[0] <== device[i];
        inputsHash[i].inputs[1] <== onlineMinutes[i] + qualityScore[i] * (1 << 16) + underserved[i] * (1 << 23) + inDemand[i] * (1 << 24) + active[i] * (1 << 25);
        commitment.inputs[i] <== inputsHash[i].out;

        // qualityMultiplierBps = minQ + floor((10000 − minQ) · quality / 100)
        qualityStep[i] = DivConst(100, 7, 14);
        qualityStep[i].num <== (10000 - minQualityMultiplierBps) * qualityScore[i];
        qualityMultiplier[i] <== minQualityMultiplierBps + qualityStep[i].q;

        // bonusBps = 10000 + coverage · underserved + demand · inDemand
        coveragePart[i] <== coverageBonusBps * underserved[i];
        demandPart[i] <== demandBonusBps * inDemand[i];
        bonus[i] <== 10000 + coveragePart[i] + demandPart[i];

        // raw = active · floor(base · minutes · qualityMultiplier · bonus / 10^8)   (< 2^112 / 10^8 < 2^86)
        baseMinutes[i] <== basePerMinute * onlineMinutes[i];
        weighted[i] <== baseMinutes[i] * qualityMultiplier[i];
        product[i] <== weighted[i] * bonus[i];
        rawDiv[i] = DivConst(100000000, 27, 86);
        rawDiv[i].num <== product[i];
        rawUnmasked[i] <== rawDiv[i].q;
        raw[i] <== rawUnmasked[i] * active[i];

        // amount = floor(raw · scaleNum / scaleDen): amount · scaleDen + remainder = raw · scaleNum, 0 ≤ remainder < scaleDen.
        scaledNumerator[i] <== raw[i] * scaleNum;
        amount[i] <-- scaledNumerator[i] \ scaleDen;
        remainder[i] <-- scaledNumerator[i] % scaleDen;
        scaledNumerator[i] === amount[i] * scaleDen + remainder[i];
        amountRange[i] = Bits(86);
        amountRange[i].in <== amount[i];
        remainderRange[i] = Bits(120);
        remainderRange[i].in <== remainder[i];
        remainderBelow[i] = Bits(120);
        remainderBelow[i].in <== scaleDen - 1 - remainder[i];

        rawSum[i + 1] <== rawSum[i] + raw[i];
        paidSum[i + 1] <== paidSum[i] + amount[i];

        prevLeaf[i] = Leaf();
        prevLeaf[i].device <== device[i];
        prevLeaf[i].cumulative <== prevCumulative[i];
        prevTree.leaves[i] <== prevLeaf[i].out;
        newLeaf[i] = Leaf();
        newLeaf[i].device <== device[i];
        newLeaf[i].cumulative <== prevCumulative[i] + amount[i];
        newTree.leaves[i] <== newLeaf[i].out;
    }

    inputsCommitment === commitment.out;
    batchRaw === rawSum[B];
    batchPaid === paidSum[B];
    prevRoot === prevTree.root;
    newRoot === newTree.root;
}

component main {public [epoch, policyHash, inputsCommitment, prevRoot, newRoot, batchRaw, batchPaid, epochRaw, budget]} = RewardBatch(4);
