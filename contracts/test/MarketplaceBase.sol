// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DeviceRegistryBase} from "./DeviceRegistryBase.sol";
import {DemoToken} from "../src/DemoToken.sol";
import {Marketplace} from "../src/Marketplace.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

/// @notice Shared fixture: the real DeviceRegistry, a 6-decimal stablecoin and a Marketplace with a 2.5 % fee.
abstract contract MarketplaceBase is DeviceRegistryBase {
    Marketplace internal market;
    DemoToken internal usd;

    address internal marketOwner = address(0x0DAD);
    address internal attester = address(0xA77E);
    address internal treasury = address(0x7EA5);
    address internal buyer = address(0xB17E);
    address internal seller = address(0x5E11);

    uint16 internal constant FEE_BPS = 250;
    uint32 internal constant GRACE = 2 hours;
    bytes32 internal constant LISTING = keccak256("listing-1");

    function setUp() public virtual override {
        super.setUp();
        usd = new DemoToken("Demo USD", "dUSD", 6, address(this));
        market = new Marketplace(
            IERC721(address(devices)), marketOwner, treasury, FEE_BPS, GRACE, attester, IERC20(address(usd))
        );
    }

    function _fund(address account, uint256 amount) internal {
        usd.mint(account, amount);
        vm.prank(account);
        usd.approve(address(market), type(uint256).max);
    }

    function _order(uint128 price, uint64 units, uint64 duration) internal returns (uint256 orderId) {
        _fund(buyer, uint256(price) * units);
        vm.prank(buyer);
        orderId = market.createOrder(seller, IERC20(address(usd)), price, units, uint64(block.timestamp) + duration, LISTING);
    }

    /// @dev Registers `device` and claims it for `owner` through the real claim flow.
    function _claimDevice(address owner) internal returns (uint256 tokenId) {
        _register(device, address(0));
        uint256 deadline = block.timestamp + 1 hours;
        devices.claim(device, owner, deadline, _sign(DEVICE_PK, owner, device, 0, deadline));
        tokenId = devices.tokenIdOf(device);
    }
}
