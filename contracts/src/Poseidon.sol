// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Compiles poseidon-solidity's PoseidonT3 (circomlib's Poseidon over BN254, 2 inputs) into out/, so the deployer
// can deploy it once and RewardDistributor can call it (its `hash` is a public pure library function).
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
