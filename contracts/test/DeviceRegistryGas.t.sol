// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DeviceRegistryBase} from "./DeviceRegistryBase.sol";
import {DeviceRegistry} from "../src/DeviceRegistry.sol";

/// @notice Measures the gas of the hot paths (execution gas, without the 21k transaction base cost and calldata).
///         Run with -vv to see the numbers; `npm run contracts:gas` prints the full gas report.
contract DeviceRegistryGasTest is DeviceRegistryBase {
    uint256 internal constant CLAIM_BUDGET = 120_000;

    function setUp() public override {
        super.setUp();
        // Registered in setUp (a separate transaction) so the claim below pays cold storage access, as on chain.
        _register(device, address(0));
    }

    function test_gas_claim() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory signature = _sign(DEVICE_PK, alice, device, 0, deadline);

        uint256 before = gasleft();
        devices.claim(device, alice, deadline, signature);
        uint256 used = before - gasleft();

        emit log_named_uint("claim gas (execution)", used);
        assertLt(used, CLAIM_BUDGET, "claim within budget");
    }

    function test_gas_registerBatchOf10() public {
        _measureBatch(10);
    }

    function test_gas_registerBatchOf100() public {
        _measureBatch(100);
    }

    function _measureBatch(uint256 count) private {
        DeviceRegistry.DeviceInput[] memory batch = _batch(count, count);
        vm.prank(operator);
        uint256 before = gasleft();
        devices.registerDevices(projectId, batch);
        uint256 used = before - gasleft();
        emit log_named_uint("batch size", count);
        emit log_named_uint("registerDevices gas (execution)", used);
        emit log_named_uint("gas per device", used / count);
    }
}
