// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DeviceRegistryBase} from "./DeviceRegistryBase.sol";
import {RewardFixtures} from "./RewardFixtures.sol";
import {DemoToken} from "../src/DemoToken.sol";
import {RewardBatchVerifier} from "../src/RewardBatchVerifier.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {RewardDistributor, IRewardBatchVerifier, IPoseidonT3} from "../src/RewardDistributor.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Shared fixture: the registries, the reward token, PoseidonT3 and a distributor over `verifier_`.
abstract contract RewardDistributorBase is DeviceRegistryBase {
    DemoToken internal token;
    RewardDistributor internal distributor;
    IPoseidonT3 internal poseidon;
    address[4] internal rewardDevices;

    function _deployDistributor(IRewardBatchVerifier verifier_) internal {
        token = new DemoToken("Reward", "DHR", 18, address(this));
        bytes memory code = type(PoseidonT3).creationCode;
        address deployed;
        assembly {
            deployed := create(0, add(code, 0x20), mload(code))
        }
        require(deployed != address(0), "PoseidonT3 deployment failed");
        poseidon = IPoseidonT3(deployed);
        distributor = new RewardDistributor(projects, devices, IERC20(address(token)), verifier_, poseidon);
        for (uint256 i; i < 4; ++i) {
            rewardDevices[i] = vm.addr(RewardFixtures.devicePrivateKey(i));
            _register(rewardDevices[i], address(0));
        }
    }

    function _claimDevice(uint256 i, address owner) internal {
        address d = rewardDevices[i];
        uint256 deadline = block.timestamp + 1 hours;
        devices.claim(d, owner, deadline, _sign(RewardFixtures.devicePrivateKey(i), owner, d, _nonce(d), deadline));
    }

    function _fund(uint256 amount) internal {
        token.mint(address(this), amount);
        token.approve(address(distributor), amount);
        distributor.fund(projectId, amount);
    }
}

/// @notice Real Groth16 proofs from `npm run zk:fixtures` against the real generated verifier.
contract RewardDistributorTest is RewardDistributorBase {

    function setUp() public override {
        super.setUp();
        _deployDistributor(IRewardBatchVerifier(address(new RewardBatchVerifier())));
        vm.prank(admin);
        distributor.setPolicy(projectId, RewardFixtures.POLICY_V1_HASH, RewardFixtures.POLICY_V1_BUDGET);
        _fund(10 ** 22);
        for (uint256 i; i < 4; ++i) {
            _claimDevice(i, alice);
        }
    }

    function _submit(uint256 i) internal returns (uint256 gasUsed) {
        RewardFixtures.Submission memory s = RewardFixtures.submission(i);
        vm.prank(operator);
        uint256 before = gasleft();
        distributor.submitBatch(projectId, s.epoch, s.batchIndex, s.epochRaw, s.statement, s.proof);
        gasUsed = before - gasleft();
    }

    function _finalize(uint256 epoch) internal returns (uint256 gasUsed) {
        vm.prank(operator);
        uint256 before = gasleft();
        distributor.finalizeEpoch(projectId, epoch);
        gasUsed = before - gasleft();
    }

    function _epoch1() internal {
        _submit(0);
        _submit(1);
        _finalize(1);
    }

    function _epoch2() internal {
        vm.prank(admin);
        distributor.setPolicy(projectId, RewardFixtures.POLICY_V2_HASH, RewardFixtures.POLICY_V2_BUDGET);
        _submit(2);
        _submit(3);
        _finalize(2);
    }

    function _request(uint256 claimIndex) internal view returns (RewardDistributor.ClaimRequest memory request) {
        (, uint256 deviceIndex, uint256 batchIndex, uint256 slot, uint256 cumulative, uint256[4] memory proof) =
            RewardFixtures.claim(claimIndex);
        request = RewardDistributor.ClaimRequest({
            projectId: projectId,
            device: rewardDevices[deviceIndex],
            batchIndex: batchIndex,
            slotInBatch: slot,
            cumulative: cumulative,
            merkleProof: proof
        });
    }

    function test_EmptyBatchRootMatchesOffChain() public view {
        // The same constant lib/proofs/tree.ts computes; a mismatch would make every first submission revert.
        RewardFixtures.Submission memory s = RewardFixtures.submission(0);
        assertEq(distributor.batchRootOf(projectId, 0), s.statement.prevRoot, "empty batch root");
    }

    function test_SubmitFinalizeClaim_RecordsGas() public {
        emit log_named_uint("gas submitBatch (16 slots)", _submit(0));
        _submit(1);
        emit log_named_uint("gas finalizeEpoch (2 batches)", _finalize(1));
        assertEq(distributor.lastEpochOf(projectId), 1, "epoch finalized");
        assertTrue(distributor.epochRootOf(projectId, 1) != bytes32(0), "epoch root published");

        RewardDistributor.ClaimRequest memory request = _request(0);
        uint256 before = gasleft();
        uint256 paid = distributor.claim(request);
        emit log_named_uint("gas claim", before - gasleft());
        assertEq(paid, request.cumulative, "first claim pays the cumulative amount");
        assertEq(token.balanceOf(alice), request.cumulative, "owner received it");
    }

    function test_ClaimMany_PaysEveryDevice() public {
        _epoch1();
        RewardDistributor.ClaimRequest[] memory requests = new RewardDistributor.ClaimRequest[](4);
        uint256 expected;
        for (uint256 i; i < 4; ++i) {
            requests[i] = _request(i);
            expected += requests[i].cumulative;
        }
        // The inactive device has cumulative 0: an empty leaf cannot be claimed, so leave it out.
        requests[2] = requests[3];
        expected -= _request(2).cumulative;
        uint256 before = gasleft();
        uint256 paid = distributor.claimMany(requests);
        emit log_named_uint("gas claimMany (3 devices, 1 duplicate)", before - gasleft());
        assertEq(paid, expected, "claim all pays each device once");
        assertEq(token.balanceOf(alice), expected, "balance");
    }

    function test_DoubleClaimPaysNothingMore() public {
        _epoch1();
        RewardDistributor.ClaimRequest memory request = _request(0);
        distributor.claim(request);
        uint256 balance = token.balanceOf(alice);
        assertEq(distributor.claim(request), 0, "second claim pays 0");
        assertEq(token.balanceOf(alice), balance, "balance unchanged");
    }

    function test_TransferBetweenEpochs_PaysNewOwner() public {
        _epoch1();
        RewardDistributor.ClaimRequest memory first = _request(0);
        distributor.claim(first);
        uint256 tokenId = devices.tokenIdOf(rewardDevices[0]);
        vm.prank(alice);
        devices.transferFrom(alice, bob, tokenId);
        _epoch2();
        // Claim index 4 is device 0 after epoch 2.
        RewardDistributor.ClaimRequest memory second = _request(4);
        assertEq(second.device, first.device, "same device");
        distributor.claim(second);
        assertEq(token.balanceOf(bob), second.cumulative - first.cumulative, "new owner gets only epoch 2");
        assertEq(token.balanceOf(alice), first.cumulative, "old owner keeps epoch 1");
    }

    function test_ScaledEpochStaysWithinBudget() public {
        _epoch1();
        uint256 poolBefore = distributor.poolOf(projectId);
        _epoch2();
        uint256 reserved = poolBefore - distributor.poolOf(projectId);
        assertTrue(reserved <= RewardFixtures.POLICY_V2_BUDGET, "epoch 2 paid within its budget");
        assertTrue(reserved > 0, "epoch 2 paid something");
        uint256 total;
        for (uint256 i = 4; i < 8; ++i) {
            RewardDistributor.ClaimRequest memory request = _request(i);
            if (request.cumulative > 0) total += distributor.claim(request);
        }
        assertEq(token.balanceOf(alice), total, "claims paid");
        assertTrue(total <= RewardFixtures.POLICY_V1_BUDGET + RewardFixtures.POLICY_V2_BUDGET, "never above the budgets");
    }

    function testFuzz_TamperedProofReverts(uint256 which, uint256 delta) public {
        RewardFixtures.Submission memory s = RewardFixtures.submission(0);
        delta = bound(delta, 1, type(uint128).max);
        which = bound(which, 0, 7);
        if (which < 2) s.proof.a[which] += delta;
        else if (which < 6) s.proof.b[(which - 2) / 2][which % 2] += delta;
        else s.proof.c[which - 6] += delta;
        vm.prank(operator);
        vm.expectRevert();
        distributor.submitBatch(projectId, s.epoch, s.batchIndex, s.epochRaw, s.statement, s.proof);
    }

    function testFuzz_TamperedStatementReverts(uint256 which, uint256 delta) public {
        RewardFixtures.Submission memory s = RewardFixtures.submission(0);
        delta = bound(delta, 1, type(uint128).max);
        which = bound(which, 0, 4);
        if (which == 0) s.statement.inputsCommitment += delta;
        else if (which == 1) s.statement.newRoot += delta;
        else if (which == 2) s.statement.batchRaw += delta;
        else if (which == 3) s.statement.batchPaid += delta;
        else s.epochRaw += delta;
        vm.prank(operator);
        vm.expectRevert(RewardDistributor.InvalidProof.selector);
        distributor.submitBatch(projectId, s.epoch, s.batchIndex, s.epochRaw, s.statement, s.proof);
    }

    function test_WrongPreviousRootReverts() public {
        // Epoch 2's first batch starts from epoch 1's root, which is not on-chain yet.
        RewardFixtures.Submission memory s = RewardFixtures.submission(2);
        uint256 onchainRoot = distributor.batchRootOf(projectId, 0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.PrevRootMismatch.selector, onchainRoot, s.statement.prevRoot));
        distributor.submitBatch(projectId, s.epoch, s.batchIndex, s.epochRaw, s.statement, s.proof);
    }

    function test_ReplayedEpochReverts() public {
        _epoch1();
        RewardFixtures.Submission memory s = RewardFixtures.submission(0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.EpochNotAfterLast.selector, 1, 1));
        distributor.submitBatch(projectId, s.epoch, s.batchIndex, s.epochRaw, s.statement, s.proof);
    }

    function test_FinalizeWithMissingBatchReverts() public {
        _submit(0);
        RewardFixtures.Submission memory s = RewardFixtures.submission(0);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.RawTotalMismatch.selector, s.epochRaw, s.statement.batchRaw));
        distributor.finalizeEpoch(projectId, 1);
    }

    function test_UnfundedEpochCannotFinalize() public {
        uint256 pool = distributor.poolOf(projectId);
        vm.prank(admin);
        distributor.withdrawPool(projectId, admin, pool);
        _submit(0);
        _submit(1);
        vm.prank(operator);
        vm.expectRevert();
        distributor.finalizeEpoch(projectId, 1);
    }

    function testFuzz_WrongCumulativeCannotClaim(uint256 cumulative) public {
        _epoch1();
        RewardDistributor.ClaimRequest memory request = _request(0);
        vm.assume(cumulative != request.cumulative);
        request.cumulative = bound(cumulative, 1, 10 ** 30);
        vm.assume(request.cumulative != _request(0).cumulative);
        vm.expectRevert(RewardDistributor.InvalidMerkleProof.selector);
        distributor.claim(request);
    }

    function testFuzz_OnlyOperatorsSubmitAndFinalize(address caller) public {
        vm.assume(caller != operator && caller != admin);
        RewardFixtures.Submission memory s = RewardFixtures.submission(0);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.NotAdminOrOperator.selector, projectId, caller));
        distributor.submitBatch(projectId, s.epoch, s.batchIndex, s.epochRaw, s.statement, s.proof);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.NotAdminOrOperator.selector, projectId, caller));
        distributor.finalizeEpoch(projectId, 1);
    }

    function test_OnlyAdminSetsPolicy() public {
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.NotProjectAdmin.selector, projectId, operator));
        distributor.setPolicy(projectId, 1, 1);
    }
}

/// @notice The distributor's own accounting, isolated from proofs by a verifier that accepts every proof.
contract AcceptAllVerifier is IRewardBatchVerifier {
    function verifyProof(uint256[2] calldata, uint256[2][2] calldata, uint256[2] calldata, uint256[9] calldata)
        external
        pure
        returns (bool)
    {
        return true;
    }
}

contract RewardDistributorAccountingTest is RewardDistributorBase {
    uint256 internal constant BUDGET = 1000 ether;

    function setUp() public override {
        super.setUp();
        _deployDistributor(new AcceptAllVerifier());
        vm.prank(admin);
        distributor.setPolicy(projectId, 42, BUDGET);
        _fund(10 * BUDGET);
    }

    function _statement(uint256 batchIndex, uint256 raw, uint256 paid) internal view returns (RewardDistributor.BatchStatement memory) {
        return RewardDistributor.BatchStatement({
            inputsCommitment: 1,
            prevRoot: distributor.batchRootOf(projectId, batchIndex),
            newRoot: 1000 + batchIndex,
            batchRaw: raw,
            batchPaid: paid
        });
    }

    function testFuzz_BudgetNeverExceeded(uint256 paidA, uint256 paidB) public {
        paidA = bound(paidA, 0, 2 * BUDGET);
        paidB = bound(paidB, 0, 2 * BUDGET);
        RewardDistributor.Proof memory proof;
        vm.startPrank(operator);
        distributor.submitBatch(projectId, 1, 0, 10, _statement(0, 4, paidA), proof);
        distributor.submitBatch(projectId, 1, 1, 10, _statement(1, 6, paidB), proof);
        if (paidA + paidB > BUDGET) {
            vm.expectRevert(abi.encodeWithSelector(RewardDistributor.OverBudget.selector, paidA + paidB, BUDGET));
        }
        distributor.finalizeEpoch(projectId, 1);
        vm.stopPrank();
        assertTrue(10 * BUDGET - distributor.poolOf(projectId) <= BUDGET, "reserved within budget");
    }

    function testFuzz_RawTotalsMustAddUp(uint256 rawA, uint256 rawB, uint256 declared) public {
        rawA = bound(rawA, 0, 2 ** 120);
        rawB = bound(rawB, 0, 2 ** 120);
        declared = bound(declared, 0, 2 ** 121);
        RewardDistributor.Proof memory proof;
        vm.startPrank(operator);
        distributor.submitBatch(projectId, 1, 0, declared, _statement(0, rawA, 0), proof);
        distributor.submitBatch(projectId, 1, 1, declared, _statement(1, rawB, 0), proof);
        if (rawA + rawB != declared) {
            vm.expectRevert(abi.encodeWithSelector(RewardDistributor.RawTotalMismatch.selector, declared, rawA + rawB));
        }
        distributor.finalizeEpoch(projectId, 1);
        vm.stopPrank();
    }

    function test_LaterEpochMustCoverEveryBatch() public {
        RewardDistributor.Proof memory proof;
        vm.startPrank(operator);
        distributor.submitBatch(projectId, 1, 0, 10, _statement(0, 4, 1), proof);
        distributor.submitBatch(projectId, 1, 1, 10, _statement(1, 6, 1), proof);
        distributor.finalizeEpoch(projectId, 1);
        distributor.submitBatch(projectId, 2, 0, 4, _statement(0, 4, 1), proof);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.TooFewBatches.selector, 1, 2));
        distributor.finalizeEpoch(projectId, 2);
        vm.stopPrank();
    }

    function test_BatchesArriveInOrder() public {
        RewardDistributor.Proof memory proof;
        vm.startPrank(operator);
        distributor.submitBatch(projectId, 1, 0, 10, _statement(0, 4, 1), proof);
        RewardDistributor.BatchStatement memory skipped = _statement(2, 6, 1);
        RewardDistributor.BatchStatement memory second = _statement(1, 6, 1);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.WrongBatch.selector, 1, 2));
        distributor.submitBatch(projectId, 1, 2, 10, skipped, proof);
        vm.expectRevert(abi.encodeWithSelector(RewardDistributor.EpochRawMismatch.selector, 10, 11));
        distributor.submitBatch(projectId, 1, 1, 11, second, proof);
        vm.stopPrank();
    }
}
