// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ProjectRegistry} from "./ProjectRegistry.sol";

/// @title DeviceRegistry
/// @notice Registry of physical devices, each identified by the address of its secp256k1 key. Project admins and
///         operators register devices; an owner claims a device with an EIP-712 signature from the device key (or
///         from the claim key registered for it) and receives an ERC-721 token whose id is the device address.
/// @dev Claims can be relayed by anyone: the signature binds the owner, so the submitter does not matter. Tokens
///      are minted with `_mint` (not `_safeMint`) so a relayed claim never calls into the owner's code.
contract DeviceRegistry is ERC721, EIP712 {
    /// @notice One device in a `registerDevices` batch.
    /// @param device Address of the device's signing key; also its token id.
    /// @param model Model identifier chosen by the project (e.g. a bytes32-encoded name).
    /// @param claimKey Optional second key allowed to sign claims (e.g. printed on the box); address(0) for none.
    struct DeviceInput {
        address device;
        bytes32 model;
        address claimKey;
    }

    /// @notice Everything known about a device, as returned by {deviceInfo}.
    struct DeviceInfo {
        uint256 projectId;
        bytes32 model;
        address claimKey;
        bool active;
        address owner;
        uint256 nonce;
    }

    /// @dev Packed into one slot so a claim reads and writes a single device slot.
    ///      projectId == 0 means "not registered" (project ids start at 1).
    struct DeviceRecord {
        address claimKey;
        uint48 projectId;
        uint40 nonce;
        bool active;
    }

    /// @notice EIP-712 type hash of the claim message devices sign.
    bytes32 public constant CLAIM_TYPEHASH =
        keccak256("Claim(address owner,address device,uint256 nonce,uint256 deadline)");

    /// @notice Registry whose admins and operators may register and (de)activate devices.
    ProjectRegistry public immutable projectRegistry;

    mapping(address device => DeviceRecord) private _records;
    mapping(address device => bytes32) private _models;

    /// @notice Emitted once per device registered.
    event DeviceRegistered(
        address indexed device, uint256 indexed projectId, bytes32 model, address claimKey, address registeredBy
    );
    /// @notice Emitted when a device is activated or deactivated.
    event DeviceActiveSet(address indexed device, uint256 indexed projectId, bool active, address setBy);
    /// @notice Emitted when a device is claimed; `nonce` is the nonce the signature used.
    event DeviceClaimed(address indexed device, address indexed owner, uint256 indexed projectId, uint256 nonce);
    /// @notice Emitted when an owner releases a device back to unclaimed.
    event DeviceReleased(address indexed device, address indexed previousOwner, uint256 indexed projectId);

    /// @notice The caller is neither admin nor operator of the project.
    error NotProjectAdminOrOperator(uint256 projectId, address account);
    /// @notice A registration batch must contain at least one device.
    error EmptyBatch();
    /// @notice The zero address cannot be a device or an owner.
    error ZeroAddress();
    /// @notice The device is already registered.
    error DeviceAlreadyRegistered(address device);
    /// @notice The device has not been registered.
    error DeviceNotRegistered(address device);
    /// @notice The device is deactivated and cannot be claimed.
    error DeviceInactive(address device);
    /// @notice The device is already owned; it must be released before it can be claimed again.
    error DeviceAlreadyClaimed(address device, address owner);
    /// @notice The claim's deadline has passed.
    error ClaimExpired(uint256 deadline, uint256 timestamp);
    /// @notice The signature is malformed, from another key, or for another nonce (e.g. a replay).
    error InvalidClaimSignature(address device);
    /// @notice The caller may not release this device (not its owner or an approved operator).
    error NotDeviceOwner(address device, address account);

    /// @param registry The ProjectRegistry whose admins and operators manage devices.
    constructor(ProjectRegistry registry) ERC721("DePIN Hub Device", "DEVICE") EIP712("DePIN Hub DeviceRegistry", "1") {
        if (address(registry) == address(0)) revert ZeroAddress();
        projectRegistry = registry;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Project side
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Registers a batch of devices under `projectId`. Caller must be the project's admin or an operator.
    /// @dev Reverts the whole batch if any device is the zero address or already registered.
    function registerDevices(uint256 projectId, DeviceInput[] calldata devices) external {
        _requireAdminOrOperator(projectId);
        uint256 count = devices.length;
        if (count == 0) revert EmptyBatch();
        uint48 packedProjectId = SafeCast.toUint48(projectId);

        for (uint256 i; i < count; ++i) {
            DeviceInput calldata input = devices[i];
            address device = input.device;
            if (device == address(0)) revert ZeroAddress();
            if (_records[device].projectId != 0) revert DeviceAlreadyRegistered(device);

            _records[device] =
                DeviceRecord({claimKey: input.claimKey, projectId: packedProjectId, nonce: 0, active: true});
            // Skip the write for an unset model: saves a storage slot per device.
            if (input.model != bytes32(0)) _models[device] = input.model;
            emit DeviceRegistered(device, projectId, input.model, input.claimKey, msg.sender);
        }
    }

    /// @notice Activates or deactivates a device. Caller must be admin or operator of the device's project.
    /// @dev Deactivation only blocks new claims; a current owner keeps (and may transfer or release) the token.
    function setDeviceActive(address device, bool active) external {
        DeviceRecord storage record = _records[device];
        uint256 projectId = record.projectId;
        if (projectId == 0) revert DeviceNotRegistered(device);
        _requireAdminOrOperator(projectId);
        record.active = active;
        emit DeviceActiveSet(device, projectId, active, msg.sender);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Owner side
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Claims `device` for `owner`, minting its token to `owner`. Anyone may submit the claim.
    /// @param device The device's address (token id = uint160(device)).
    /// @param owner Account that receives the token.
    /// @param deadline Last timestamp (inclusive) at which the claim is valid.
    /// @param signature 65-byte EIP-712 signature of Claim(owner, device, nonce, deadline) by the device key or
    ///        its claim key, where nonce is the device's current nonce (see {deviceInfo}).
    function claim(address device, address owner, uint256 deadline, bytes calldata signature) external {
        // Minutes-scale deadlines: validators nudging the timestamp by seconds does not matter here.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > deadline) revert ClaimExpired(deadline, block.timestamp);
        if (owner == address(0)) revert ZeroAddress();

        DeviceRecord storage record = _records[device];
        DeviceRecord memory current = record;
        if (current.projectId == 0) revert DeviceNotRegistered(device);
        if (!current.active) revert DeviceInactive(device);
        uint256 tokenId = tokenIdOf(device);
        address currentOwner = _ownerOf(tokenId);
        if (currentOwner != address(0)) revert DeviceAlreadyClaimed(device, currentOwner);

        bytes32 digest = _claimDigest(owner, device, current.nonce, deadline);
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecoverCalldata(digest, signature);
        bool signerAllowed = signer == device || (current.claimKey != address(0) && signer == current.claimKey);
        if (error != ECDSA.RecoverError.NoError || !signerAllowed) revert InvalidClaimSignature(device);

        // Each signature is good for exactly one claim: bumping the nonce invalidates it.
        record.nonce = current.nonce + 1;
        _mint(owner, tokenId);
        emit DeviceClaimed(device, owner, current.projectId, current.nonce);
    }

    /// @notice Burns the device's token so that the device becomes unclaimed and can be claimed again.
    /// @dev Callable by the owner or an account the owner approved for this token or for all its tokens.
    function release(address device) external {
        uint256 tokenId = tokenIdOf(device);
        address currentOwner = _requireOwned(tokenId);
        if (!_isAuthorized(currentOwner, msg.sender, tokenId)) revert NotDeviceOwner(device, msg.sender);
        _burn(tokenId);
        emit DeviceReleased(device, currentOwner, _records[device].projectId);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Everything known about `device`. For unregistered devices every field is zero.
    function deviceInfo(address device) external view returns (DeviceInfo memory info) {
        DeviceRecord memory record = _records[device];
        info = DeviceInfo({
            projectId: record.projectId,
            model: _models[device],
            claimKey: record.claimKey,
            active: record.active,
            owner: _ownerOf(tokenIdOf(device)),
            nonce: record.nonce
        });
    }

    /// @notice The EIP-712 digest a device (or its claim key) must sign to let `owner` claim it.
    function claimDigest(address owner, address device, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _claimDigest(owner, device, nonce, deadline);
    }

    /// @notice The EIP-712 domain separator of this contract on the current chain.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice Token id of a device: its address as a number.
    function tokenIdOf(address device) public pure returns (uint256) {
        return uint256(uint160(device));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------------------

    function _claimDigest(address owner, address device, uint256 nonce, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(CLAIM_TYPEHASH, owner, device, nonce, deadline)));
    }

    function _requireAdminOrOperator(uint256 projectId) private view {
        if (!projectRegistry.isAdminOrOperator(projectId, msg.sender)) {
            revert NotProjectAdminOrOperator(projectId, msg.sender);
        }
    }
}
