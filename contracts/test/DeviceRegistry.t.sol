// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DeviceRegistryBase} from "./DeviceRegistryBase.sol";
import {DeviceRegistry} from "../src/DeviceRegistry.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

contract DeviceRegistryRegistrationTest is DeviceRegistryBase {
    event DeviceRegistered(
        address indexed device, uint256 indexed projectId, bytes32 model, address claimKey, address registeredBy
    );
    event DeviceActiveSet(address indexed device, uint256 indexed projectId, bool active, address setBy);

    function test_registerDevices_storesDeviceAndEmits() public {
        DeviceRegistry.DeviceInput[] memory batch = new DeviceRegistry.DeviceInput[](1);
        batch[0] = DeviceRegistry.DeviceInput({device: device, model: MODEL, claimKey: claimKey});
        vm.expectEmit();
        emit DeviceRegistered(device, projectId, MODEL, claimKey, admin);
        vm.prank(admin);
        devices.registerDevices(projectId, batch);

        DeviceRegistry.DeviceInfo memory info = devices.deviceInfo(device);
        assertEq(info.projectId, projectId, "project");
        assertEq(info.model, MODEL, "model");
        assertEq(info.claimKey, claimKey, "claim key");
        assertTrue(info.active, "active on registration");
        assertEq(info.owner, address(0), "unclaimed");
        assertEq(info.nonce, 0, "nonce starts at 0");
    }

    function testFuzz_registerDevices_batch(uint8 rawCount, uint256 seed) public {
        uint256 count = bound(rawCount, 1, 40);
        DeviceRegistry.DeviceInput[] memory batch = _batch(count, seed);
        vm.prank(operator);
        devices.registerDevices(projectId, batch);

        for (uint256 i; i < count; ++i) {
            DeviceRegistry.DeviceInfo memory info = devices.deviceInfo(batch[i].device);
            assertEq(info.projectId, projectId, "project");
            assertEq(info.model, batch[i].model, "model");
            assertEq(info.claimKey, batch[i].claimKey, "claim key");
            assertTrue(info.active, "active");
        }
    }

    function testFuzz_registerDevices_revertsForNonAdmin(address caller) public {
        vm.assume(caller != admin && caller != operator);
        DeviceRegistry.DeviceInput[] memory batch = _batch(2, 1);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.NotProjectAdminOrOperator.selector, projectId, caller));
        devices.registerDevices(projectId, batch);
    }

    function test_registerDevices_revertsForRemovedOperator() public {
        vm.prank(admin);
        projects.removeOperator(projectId, operator);
        DeviceRegistry.DeviceInput[] memory batch = _batch(1, 1);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.NotProjectAdminOrOperator.selector, projectId, operator));
        devices.registerDevices(projectId, batch);
    }

    function test_registerDevices_revertsForUnknownProject() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.NotProjectAdminOrOperator.selector, 99, admin));
        devices.registerDevices(99, _batch(1, 1));
    }

    function test_registerDevices_revertsOnDuplicates() public {
        _register(device, address(0));
        DeviceRegistry.DeviceInput[] memory again = new DeviceRegistry.DeviceInput[](1);
        again[0] = DeviceRegistry.DeviceInput({device: device, model: MODEL, claimKey: address(0)});
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.DeviceAlreadyRegistered.selector, device));
        devices.registerDevices(projectId, again);

        // A duplicate inside one batch reverts the whole batch.
        DeviceRegistry.DeviceInput[] memory batch = _batch(3, 7);
        batch[2] = batch[0];
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.DeviceAlreadyRegistered.selector, batch[0].device));
        devices.registerDevices(projectId, batch);
        assertEq(devices.deviceInfo(batch[1].device).projectId, 0, "batch rolled back");
    }

    function test_registerDevices_revertsOnZeroDeviceAndEmptyBatch() public {
        DeviceRegistry.DeviceInput[] memory batch = _batch(2, 3);
        batch[1].device = address(0);
        vm.startPrank(operator);
        vm.expectRevert(DeviceRegistry.ZeroAddress.selector);
        devices.registerDevices(projectId, batch);
        vm.expectRevert(DeviceRegistry.EmptyBatch.selector);
        devices.registerDevices(projectId, new DeviceRegistry.DeviceInput[](0));
        vm.stopPrank();
    }

    function test_setDeviceActive_byAdminOrOperator() public {
        _register(device, address(0));
        vm.expectEmit();
        emit DeviceActiveSet(device, projectId, false, operator);
        vm.prank(operator);
        devices.setDeviceActive(device, false);
        assertFalse(devices.deviceInfo(device).active, "deactivated");

        vm.prank(admin);
        devices.setDeviceActive(device, true);
        assertTrue(devices.deviceInfo(device).active, "reactivated");
    }

    function testFuzz_setDeviceActive_revertsForNonAdmin(address caller) public {
        vm.assume(caller != admin && caller != operator);
        _register(device, address(0));
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.NotProjectAdminOrOperator.selector, projectId, caller));
        devices.setDeviceActive(device, false);
    }

    function test_setDeviceActive_revertsForUnregisteredDevice() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.DeviceNotRegistered.selector, device));
        devices.setDeviceActive(device, false);
    }

    function test_setDeviceActive_operatorOfOtherProjectCannot() public {
        _register(device, address(0));
        address stranger = address(0x5757);
        vm.prank(stranger);
        uint256 otherProject = projects.createProject("Other", "", address(0));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.NotProjectAdminOrOperator.selector, projectId, stranger));
        devices.setDeviceActive(device, false);
        assertEq(otherProject, projectId + 1, "other project exists");
    }

    function test_deviceInfo_isZeroForUnknownDevice() public view {
        DeviceRegistry.DeviceInfo memory info = devices.deviceInfo(address(0x1234));
        assertEq(info.projectId, 0, "project");
        assertEq(info.owner, address(0), "owner");
        assertFalse(info.active, "active");
    }

    function test_tokenIdOf_isDeviceAddress() public view {
        assertEq(devices.tokenIdOf(device), uint256(uint160(device)), "token id");
    }
}

contract DeviceRegistryClaimTest is DeviceRegistryBase {
    event DeviceClaimed(address indexed device, address indexed owner, uint256 indexed projectId, uint256 nonce);
    event DeviceReleased(address indexed device, address indexed previousOwner, uint256 indexed projectId);
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);

    uint256 internal deadline;

    function setUp() public override {
        super.setUp();
        _register(device, claimKey);
        deadline = block.timestamp + 1 hours;
    }

    function test_claimDigest_matchesIndependentEip712Hash() public view {
        assertEq(devices.claimDigest(alice, device, 3, deadline), _digest(alice, device, 3, deadline), "digest");
        assertEq(
            devices.CLAIM_TYPEHASH(),
            keccak256("Claim(address owner,address device,uint256 nonce,uint256 deadline)"),
            "type hash"
        );
    }

    function test_claim_withDeviceKey_mintsToOwner() public {
        bytes memory signature = _sign(DEVICE_PK, alice, device, 0, deadline);
        vm.expectEmit();
        emit Transfer(address(0), alice, uint256(uint160(device)));
        vm.expectEmit();
        emit DeviceClaimed(device, alice, projectId, 0);
        // A relayer (bob) submits; the token still goes to the signed owner.
        vm.prank(bob);
        devices.claim(device, alice, deadline, signature);

        assertEq(devices.ownerOf(uint256(uint160(device))), alice, "ERC-721 owner");
        assertEq(_ownerOf(device), alice, "deviceInfo owner");
        assertEq(_nonce(device), 1, "nonce bumped");
        assertEq(devices.balanceOf(alice), 1, "balance");
    }

    function test_claim_withClaimKey() public {
        devices.claim(device, alice, deadline, _sign(CLAIM_KEY_PK, alice, device, 0, deadline));
        assertEq(_ownerOf(device), alice, "claimed with claim key");
    }

    function testFuzz_claim_anyDeviceKeyCanClaimItsDevice(uint256 rawPk, address owner, uint256 validFor) public {
        vm.assume(owner != address(0));
        uint256 pk = boundPrivateKey(rawPk);
        address fuzzDevice = vm.addr(pk);
        vm.assume(fuzzDevice != device);
        _register(fuzzDevice, address(0));
        uint256 fuzzDeadline = bound(validFor, block.timestamp, type(uint256).max);

        devices.claim(fuzzDevice, owner, fuzzDeadline, _sign(pk, owner, fuzzDevice, 0, fuzzDeadline));
        assertEq(_ownerOf(fuzzDevice), owner, "owner");
    }

    function testFuzz_claim_rejectsSignaturesFromOtherKeys(uint256 rawPk) public {
        uint256 pk = boundPrivateKey(rawPk);
        vm.assume(pk != DEVICE_PK && pk != CLAIM_KEY_PK);
        bytes memory signature = _sign(pk, alice, device, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.InvalidClaimSignature.selector, device));
        devices.claim(device, alice, deadline, signature);
    }

    function testFuzz_claim_rejectsMalformedSignatures(bytes calldata signature) public {
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.InvalidClaimSignature.selector, device));
        devices.claim(device, alice, deadline, signature);
    }

    function test_claim_signatureCannotBeRedirectedToAnotherOwner() public {
        bytes memory signature = _sign(DEVICE_PK, alice, device, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.InvalidClaimSignature.selector, device));
        devices.claim(device, bob, deadline, signature);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.InvalidClaimSignature.selector, device));
        devices.claim(device, alice, deadline + 1, signature);
    }

    function test_claim_withoutClaimKey_zeroAddressNeverMatches() public {
        address bare = vm.addr(0xBA4E);
        _register(bare, address(0));
        // 65 zero bytes recover to address(0); that must not count as "the unset claim key".
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.InvalidClaimSignature.selector, bare));
        devices.claim(bare, alice, deadline, new bytes(65));
    }

    function testFuzz_claim_rejectsWrongNonce(uint256 nonce) public {
        vm.assume(nonce != 0);
        bytes memory signature = _sign(DEVICE_PK, alice, device, nonce, deadline);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.InvalidClaimSignature.selector, device));
        devices.claim(device, alice, deadline, signature);
    }

    function test_claim_replayWhileOwnedReverts() public {
        bytes memory signature = _sign(DEVICE_PK, alice, device, 0, deadline);
        devices.claim(device, alice, deadline, signature);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.DeviceAlreadyClaimed.selector, device, alice));
        devices.claim(device, alice, deadline, signature);
    }

    function test_claim_replayAfterReleaseReverts() public {
        bytes memory signature = _sign(DEVICE_PK, alice, device, 0, deadline);
        devices.claim(device, alice, deadline, signature);
        vm.prank(alice);
        devices.release(device);
        // The nonce moved on, so the old signature no longer verifies.
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.InvalidClaimSignature.selector, device));
        devices.claim(device, alice, deadline, signature);
    }

    function testFuzz_claim_expiredDeadlineReverts(uint256 rawDeadline, uint256 rawNow) public {
        uint256 now_ = bound(rawNow, 1, type(uint64).max);
        uint256 expired = bound(rawDeadline, 0, now_ - 1);
        vm.warp(now_);
        bytes memory signature = _sign(DEVICE_PK, alice, device, 0, expired);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.ClaimExpired.selector, expired, now_));
        devices.claim(device, alice, expired, signature);
    }

    function test_claim_deadlineIsInclusive() public {
        vm.warp(deadline);
        devices.claim(device, alice, deadline, _sign(DEVICE_PK, alice, device, 0, deadline));
        assertEq(_ownerOf(device), alice, "claimed at the deadline");
    }

    function test_claim_unregisteredDeviceReverts() public {
        uint256 pk = 0xBEEF;
        address unknown = vm.addr(pk);
        bytes memory signature = _sign(pk, alice, unknown, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.DeviceNotRegistered.selector, unknown));
        devices.claim(unknown, alice, deadline, signature);
    }

    function test_claim_toZeroAddressReverts() public {
        bytes memory signature = _sign(DEVICE_PK, address(0), device, 0, deadline);
        vm.expectRevert(DeviceRegistry.ZeroAddress.selector);
        devices.claim(device, address(0), deadline, signature);
    }

    function test_deactivation_blocksClaimsUntilReactivated() public {
        bytes memory signature = _sign(DEVICE_PK, alice, device, 0, deadline);
        vm.prank(operator);
        devices.setDeviceActive(device, false);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.DeviceInactive.selector, device));
        devices.claim(device, alice, deadline, signature);

        vm.prank(operator);
        devices.setDeviceActive(device, true);
        devices.claim(device, alice, deadline, signature);
        assertEq(_ownerOf(device), alice, "claimed after reactivation");
    }

    function test_transfer_movesOwnership() public {
        uint256 tokenId = uint256(uint160(device));
        devices.claim(device, alice, deadline, _sign(DEVICE_PK, alice, device, 0, deadline));
        vm.prank(alice);
        devices.transferFrom(alice, bob, tokenId);

        assertEq(devices.ownerOf(tokenId), bob, "ERC-721 owner");
        assertEq(_ownerOf(device), bob, "deviceInfo owner");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.NotDeviceOwner.selector, device, alice));
        devices.release(device);
    }

    function test_release_thenReclaimByAnotherOwner() public {
        devices.claim(device, alice, deadline, _sign(DEVICE_PK, alice, device, 0, deadline));

        vm.expectEmit();
        emit Transfer(alice, address(0), uint256(uint160(device)));
        vm.expectEmit();
        emit DeviceReleased(device, alice, projectId);
        vm.prank(alice);
        devices.release(device);
        assertEq(_ownerOf(device), address(0), "unclaimed after release");
        assertEq(devices.balanceOf(alice), 0, "balance");

        devices.claim(device, bob, deadline, _sign(CLAIM_KEY_PK, bob, device, 1, deadline));
        assertEq(_ownerOf(device), bob, "re-claimed");
        assertEq(_nonce(device), 2, "nonce");
    }

    function test_release_byApprovedOperator() public {
        devices.claim(device, alice, deadline, _sign(DEVICE_PK, alice, device, 0, deadline));
        vm.prank(alice);
        devices.setApprovalForAll(bob, true);
        vm.prank(bob);
        devices.release(device);
        assertEq(_ownerOf(device), address(0), "released by operator");
    }

    function testFuzz_release_revertsForNonOwner(address caller) public {
        vm.assume(caller != alice);
        devices.claim(device, alice, deadline, _sign(DEVICE_PK, alice, device, 0, deadline));
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(DeviceRegistry.NotDeviceOwner.selector, device, caller));
        devices.release(device);
    }

    function test_release_unclaimedDeviceReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, uint256(uint160(device))));
        devices.release(device);
    }
}
