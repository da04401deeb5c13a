// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {ProjectRegistry} from "../src/ProjectRegistry.sol";
import {DeviceRegistry} from "../src/DeviceRegistry.sol";

/// @notice Shared fixture: one project with an admin and an operator, and helpers to register and sign claims.
abstract contract DeviceRegistryBase is Test {
    ProjectRegistry internal projects;
    DeviceRegistry internal devices;

    address internal admin = address(0xA11CE);
    address internal operator = address(0x0BE7);
    address internal alice = address(0xA1);
    address internal bob = address(0xB0B);
    uint256 internal projectId;

    uint256 internal constant DEVICE_PK = 0xD1CE;
    uint256 internal constant CLAIM_KEY_PK = 0xC1A1;
    address internal device;
    address internal claimKey;
    // forge-lint: disable-next-line(unsafe-typecast)
    bytes32 internal constant MODEL = bytes32("WeatherStation-v1");

    function setUp() public virtual {
        projects = new ProjectRegistry();
        devices = new DeviceRegistry(projects);
        vm.prank(admin);
        projectId = projects.createProject("Weather", "ipfs://weather", address(0));
        vm.prank(admin);
        projects.addOperator(projectId, operator);

        device = vm.addr(DEVICE_PK);
        claimKey = vm.addr(CLAIM_KEY_PK);
        vm.label(device, "device");
        vm.label(claimKey, "claimKey");
        vm.warp(1_700_000_000);
    }

    function _register(address deviceAddress, address deviceClaimKey) internal {
        DeviceRegistry.DeviceInput[] memory batch = new DeviceRegistry.DeviceInput[](1);
        batch[0] = DeviceRegistry.DeviceInput({device: deviceAddress, model: MODEL, claimKey: deviceClaimKey});
        vm.prank(operator);
        devices.registerDevices(projectId, batch);
    }

    function _batch(uint256 count, uint256 seed) internal pure returns (DeviceRegistry.DeviceInput[] memory batch) {
        batch = new DeviceRegistry.DeviceInput[](count);
        for (uint256 i; i < count; ++i) {
            address deviceAddress = address(uint160(uint256(keccak256(abi.encode(seed, i)))));
            batch[i] = DeviceRegistry.DeviceInput({
                device: deviceAddress,
                model: bytes32(i + 1),
                claimKey: i % 2 == 0 ? address(0) : address(uint160(deviceAddress) ^ 1)
            });
        }
    }

    /// @dev Builds the EIP-712 digest independently of the contract, so tests also check the contract's hashing.
    function _digest(address owner, address deviceAddress, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 domainSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("DePIN Hub DeviceRegistry"),
                keccak256("1"),
                block.chainid,
                address(devices)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Claim(address owner,address device,uint256 nonce,uint256 deadline)"),
                owner,
                deviceAddress,
                nonce,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    function _sign(uint256 signerPk, address owner, address deviceAddress, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(signerPk, _digest(owner, deviceAddress, nonce, deadline));
        return abi.encodePacked(r, s, v);
    }

    function _nonce(address deviceAddress) internal view returns (uint256) {
        return devices.deviceInfo(deviceAddress).nonce;
    }

    function _ownerOf(address deviceAddress) internal view returns (address) {
        return devices.deviceInfo(deviceAddress).owner;
    }
}
