// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ProjectRegistry} from "./ProjectRegistry.sol";
import {DeviceRegistry} from "./DeviceRegistry.sol";

/// @notice snarkjs' generated verifier for circuits/reward_batch.circom (RewardBatchVerifier.sol).
interface IRewardBatchVerifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[9] calldata pubSignals
    ) external view returns (bool);
}

/// @notice poseidon-solidity's PoseidonT3 library, deployed once and called like a contract (its hash is pure).
interface IPoseidonT3 {
    function hash(uint256[2] memory inputs) external pure returns (uint256);
}

/// @title RewardDistributor
/// @notice Pays device rewards that a Groth16 proof shows were computed by a project's published policy
///         (docs/rewards.md). Per project and epoch, an operator submits batches of 16 device slots in order, each
///         with a proof that moves the batch's Poseidon Merkle root of cumulative amounts from its previous root to a
///         new one; `finalizeEpoch` checks the batches add up (raw total, budget, funded pool) and makes the new roots
///         claimable. Anyone may call `claim`: it pays `cumulative − alreadyClaimed` to the device token's current owner.
contract RewardDistributor is ReentrancyGuard {
    using SafeERC20 for IERC20;

    uint256 public constant BATCH_DEPTH = 4;
    uint256 public constant BATCH_SIZE = 16;
    uint256 internal constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    struct Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice A batch's own public inputs (the epoch-wide ones come from the open epoch).
    struct BatchStatement {
        uint256 inputsCommitment;
        uint256 prevRoot;
        uint256 newRoot;
        uint256 batchRaw;
        uint256 batchPaid;
    }

    struct Policy {
        uint256 hash;
        uint256 budget;
    }

    /// @notice The epoch being submitted: batches arrive in order 0, 1, … and all share these values.
    struct OpenEpoch {
        uint256 epoch;
        uint256 batchesSubmitted;
        uint256 epochRaw;
        uint256 rawSoFar;
        uint256 paidSoFar;
        uint256 policyHash;
        uint256 budget;
        bytes32 rootChain;
    }

    struct ClaimRequest {
        uint256 projectId;
        address device;
        uint256 batchIndex;
        uint256 slotInBatch;
        uint256 cumulative;
        uint256[BATCH_DEPTH] merkleProof;
    }

    ProjectRegistry public immutable projects;
    DeviceRegistry public immutable devices;
    IERC20 public immutable token;
    IRewardBatchVerifier public immutable verifier;
    IPoseidonT3 public immutable poseidon;
    /// @notice Root of a batch of 16 zero leaves: every batch's root before its first epoch.
    uint256 public immutable emptyBatchRoot;

    mapping(uint256 projectId => Policy) public policyOf;
    /// @notice Last finalized epoch number of a project (0 before the first).
    mapping(uint256 projectId => uint256) public lastEpochOf;
    /// @notice Batches in the last finalized epoch; later epochs must cover at least as many.
    mapping(uint256 projectId => uint256) public batchCountOf;
    mapping(uint256 projectId => mapping(uint256 batchIndex => uint256)) private _batchRoots;
    mapping(uint256 projectId => mapping(uint256 batchIndex => uint256)) private _pendingRoots;
    mapping(uint256 projectId => OpenEpoch) private _open;
    /// @notice keccak chain of an epoch's batch roots: keccak256(abi.encode(previous, batchIndex, newRoot)) from 0.
    mapping(uint256 projectId => mapping(uint256 epoch => bytes32)) public epochRootOf;
    /// @notice Funds a project put in and no finalized epoch has reserved yet.
    mapping(uint256 projectId => uint256) public poolOf;
    mapping(uint256 projectId => mapping(address device => uint256)) public claimedOf;

    event PolicySet(uint256 indexed projectId, uint256 policyHash, uint256 budget);
    event Funded(uint256 indexed projectId, address indexed from, uint256 amount);
    event PoolWithdrawn(uint256 indexed projectId, address indexed to, uint256 amount);
    event BatchSubmitted(
        uint256 indexed projectId,
        uint256 indexed epoch,
        uint256 indexed batchIndex,
        uint256 inputsCommitment,
        uint256 newRoot,
        uint256 batchRaw,
        uint256 batchPaid
    );
    event EpochFinalized(
        uint256 indexed projectId,
        uint256 indexed epoch,
        bytes32 epochRoot,
        uint256 batchCount,
        uint256 rawTotal,
        uint256 paidTotal,
        uint256 policyHash
    );
    event Claimed(uint256 indexed projectId, address indexed device, address indexed owner, uint256 amount, uint256 cumulative);

    error NotAdminOrOperator(uint256 projectId, address account);
    error NotProjectAdmin(uint256 projectId, address account);
    error NoPolicy(uint256 projectId);
    error InvalidPolicy();
    error EpochNotAfterLast(uint256 epoch, uint256 lastEpoch);
    error WrongBatch(uint256 epoch, uint256 batchIndex);
    error EpochRawMismatch(uint256 declared, uint256 given);
    error PrevRootMismatch(uint256 expected, uint256 given);
    error InvalidProof();
    error TooFewBatches(uint256 submitted, uint256 required);
    error RawTotalMismatch(uint256 declared, uint256 summed);
    error OverBudget(uint256 paid, uint256 budget);
    error PoolTooSmall(uint256 pool, uint256 needed);
    error UnknownBatch(uint256 batchIndex);
    error InvalidMerkleProof();
    error BadSlot(uint256 slotInBatch);

    modifier onlyAdminOrOperator(uint256 projectId) {
        if (!projects.isAdminOrOperator(projectId, msg.sender)) revert NotAdminOrOperator(projectId, msg.sender);
        _;
    }

    modifier onlyProjectAdmin(uint256 projectId) {
        if (projects.adminOf(projectId) != msg.sender) revert NotProjectAdmin(projectId, msg.sender);
        _;
    }

    constructor(
        ProjectRegistry projects_,
        DeviceRegistry devices_,
        IERC20 token_,
        IRewardBatchVerifier verifier_,
        IPoseidonT3 poseidon_
    ) {
        projects = projects_;
        devices = devices_;
        token = token_;
        verifier = verifier_;
        poseidon = poseidon_;
        uint256 node;
        for (uint256 level; level < BATCH_DEPTH; ++level) {
            node = poseidon_.hash([node, node]);
        }
        emptyBatchRoot = node;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Policy and funding
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Publishes the policy (its Poseidon hash, lib/proofs/tree.ts policyHash) for epochs opened from now on.
    /// @dev The budget is inside the hash too, so a (hash, budget) pair that disagree can never get a valid proof.
    function setPolicy(uint256 projectId, uint256 policyHash, uint256 budget) external onlyProjectAdmin(projectId) {
        if (policyHash == 0 || policyHash >= SNARK_SCALAR_FIELD || budget >= SNARK_SCALAR_FIELD) revert InvalidPolicy();
        policyOf[projectId] = Policy({hash: policyHash, budget: budget});
        emit PolicySet(projectId, policyHash, budget);
    }

    /// @notice Adds `amount` of the reward token to the project's pool (pulls from the caller; approve first).
    function fund(uint256 projectId, uint256 amount) external nonReentrant {
        poolOf[projectId] += amount;
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Funded(projectId, msg.sender, amount);
    }

    /// @notice Takes back unreserved pool funds; what finalized epochs owe devices stays.
    function withdrawPool(uint256 projectId, address to, uint256 amount) external nonReentrant onlyProjectAdmin(projectId) {
        uint256 pool = poolOf[projectId];
        if (amount > pool) revert PoolTooSmall(pool, amount);
        poolOf[projectId] = pool - amount;
        token.safeTransfer(to, amount);
        emit PoolWithdrawn(projectId, to, amount);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Epochs
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Submits batch `batchIndex` of `epoch` with its proof. Batch 0 opens the epoch (and discards an unfinished
    ///         one); later batches must follow in order with the same epoch raw total.
    function submitBatch(
        uint256 projectId,
        uint256 epoch,
        uint256 batchIndex,
        uint256 epochRaw,
        BatchStatement calldata statement,
        Proof calldata proof
    ) external onlyAdminOrOperator(projectId) {
        OpenEpoch storage open = _open[projectId];
        if (batchIndex == 0) {
            uint256 last = lastEpochOf[projectId];
            if (epoch <= last) revert EpochNotAfterLast(epoch, last);
            Policy memory policy = policyOf[projectId];
            if (policy.hash == 0) revert NoPolicy(projectId);
            _open[projectId] = OpenEpoch({
                epoch: epoch,
                batchesSubmitted: 0,
                epochRaw: epochRaw,
                rawSoFar: 0,
                paidSoFar: 0,
                policyHash: policy.hash,
                budget: policy.budget,
                rootChain: bytes32(0)
            });
        } else {
            if (open.epoch != epoch || open.batchesSubmitted != batchIndex) revert WrongBatch(epoch, batchIndex);
            if (open.epochRaw != epochRaw) revert EpochRawMismatch(open.epochRaw, epochRaw);
        }

        uint256 prevRoot = batchRootOf(projectId, batchIndex);
        if (statement.prevRoot != prevRoot) revert PrevRootMismatch(prevRoot, statement.prevRoot);

        uint256[9] memory signals = [
            epoch,
            open.policyHash,
            statement.inputsCommitment,
            statement.prevRoot,
            statement.newRoot,
            statement.batchRaw,
            statement.batchPaid,
            epochRaw,
            open.budget
        ];
        if (!verifier.verifyProof(proof.a, proof.b, proof.c, signals)) revert InvalidProof();

        _pendingRoots[projectId][batchIndex] = statement.newRoot;
        open.batchesSubmitted = batchIndex + 1;
        open.rawSoFar += statement.batchRaw;
        open.paidSoFar += statement.batchPaid;
        open.rootChain = keccak256(abi.encode(open.rootChain, batchIndex, statement.newRoot));
        emit BatchSubmitted(
            projectId, epoch, batchIndex, statement.inputsCommitment, statement.newRoot, statement.batchRaw, statement.batchPaid
        );
    }

    /// @notice Closes the open epoch: every batch of the previous epoch was submitted again, the batch raw totals add
    ///         up to the declared epoch raw total, the paid total is within the budget and the pool covers it.
    function finalizeEpoch(uint256 projectId, uint256 epoch) external onlyAdminOrOperator(projectId) {
        OpenEpoch memory open = _open[projectId];
        if (open.epoch != epoch || open.batchesSubmitted == 0) revert WrongBatch(epoch, open.batchesSubmitted);
        uint256 required = batchCountOf[projectId];
        if (open.batchesSubmitted < required) revert TooFewBatches(open.batchesSubmitted, required);
        if (open.rawSoFar != open.epochRaw) revert RawTotalMismatch(open.epochRaw, open.rawSoFar);
        if (open.paidSoFar > open.budget) revert OverBudget(open.paidSoFar, open.budget);
        uint256 pool = poolOf[projectId];
        if (pool < open.paidSoFar) revert PoolTooSmall(pool, open.paidSoFar);

        poolOf[projectId] = pool - open.paidSoFar;
        for (uint256 i; i < open.batchesSubmitted; ++i) {
            _batchRoots[projectId][i] = _pendingRoots[projectId][i];
        }
        batchCountOf[projectId] = open.batchesSubmitted;
        lastEpochOf[projectId] = epoch;
        epochRootOf[projectId][epoch] = open.rootChain;
        delete _open[projectId];
        emit EpochFinalized(
            projectId, epoch, open.rootChain, open.batchesSubmitted, open.rawSoFar, open.paidSoFar, open.policyHash
        );
    }

    /// @notice The batch's root as of the last finalized epoch (the empty root before its first).
    function batchRootOf(uint256 projectId, uint256 batchIndex) public view returns (uint256) {
        uint256 root = _batchRoots[projectId][batchIndex];
        return root == 0 ? emptyBatchRoot : root;
    }

    /// @notice The epoch being submitted (epoch 0 when none).
    function openEpochOf(uint256 projectId) external view returns (OpenEpoch memory) {
        return _open[projectId];
    }

    // ---------------------------------------------------------------------------------------------------------
    // Claims
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Pays the device's unclaimed rewards to the current owner of its DeviceRegistry token; 0 when nothing is new.
    function claim(ClaimRequest calldata request) external nonReentrant returns (uint256 paid) {
        return _claim(request);
    }

    /// @notice `claim` for many devices in one transaction ("claim all").
    function claimMany(ClaimRequest[] calldata requests) external nonReentrant returns (uint256 paid) {
        for (uint256 i; i < requests.length; ++i) {
            paid += _claim(requests[i]);
        }
    }

    function _claim(ClaimRequest calldata request) private returns (uint256 amount) {
        if (request.slotInBatch >= BATCH_SIZE) revert BadSlot(request.slotInBatch);
        uint256 root = _batchRoots[request.projectId][request.batchIndex];
        if (root == 0) revert UnknownBatch(request.batchIndex);
        // A zero cumulative is an empty leaf, which proves nothing about the device.
        if (request.cumulative == 0 || request.cumulative >= SNARK_SCALAR_FIELD) revert InvalidMerkleProof();

        uint256 node = poseidon.hash([uint256(uint160(request.device)), request.cumulative]);
        uint256 index = request.slotInBatch;
        for (uint256 level; level < BATCH_DEPTH; ++level) {
            uint256 sibling = request.merkleProof[level];
            node = index & 1 == 1 ? poseidon.hash([sibling, node]) : poseidon.hash([node, sibling]);
            index >>= 1;
        }
        if (node != root) revert InvalidMerkleProof();

        uint256 already = claimedOf[request.projectId][request.device];
        if (request.cumulative <= already) return 0;
        amount = request.cumulative - already;
        address owner = devices.ownerOf(devices.tokenIdOf(request.device));
        claimedOf[request.projectId][request.device] = request.cumulative;
        token.safeTransfer(owner, amount);
        emit Claimed(request.projectId, request.device, owner, amount, request.cumulative);
    }
}
