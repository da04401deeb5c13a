// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {Vm} from "./utils/Vm.sol";
import {Marketplace} from "../src/Marketplace.sol";
import {DemoToken} from "../src/DemoToken.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

/// @notice What the invariant fuzzer calls: random orders, attestations, refunds and time passing, with ghost
///         totals of every token that entered or left the escrow.
contract MarketplaceHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    Marketplace public immutable market;
    DemoToken public immutable usd;
    address public immutable attester;
    address[3] internal buyers = [address(0xB1), address(0xB2), address(0xB3)];
    address[2] internal sellers = [address(0x51), address(0x52)];

    uint256 public ghostEscrowed;
    uint256 public ghostReleased;
    uint256 public ghostRefunded;
    uint256 public ghostFees;

    constructor(Marketplace market_, DemoToken usd_, address attester_) {
        market = market_;
        usd = usd_;
        attester = attester_;
    }

    function createOrder(uint256 buyerSeed, uint256 sellerSeed, uint128 price, uint64 units, uint64 duration) external {
        address buyer = buyers[buyerSeed % buyers.length];
        address seller = sellers[sellerSeed % sellers.length];
        price = uint128(_bound(price, 1, 1e12));
        units = uint64(_bound(units, 1, 10_000));
        duration = uint64(_bound(duration, 1 hours, 60 days));
        uint256 amount = uint256(price) * units;
        usd.mint(buyer, amount);
        vm.startPrank(buyer);
        usd.approve(address(market), amount);
        market.createOrder(seller, IERC20(address(usd)), price, units, uint64(block.timestamp) + duration, bytes32(0));
        vm.stopPrank();
        ghostEscrowed += amount;
    }

    function attest(uint256 orderSeed, uint64 units) external {
        uint256 count = market.orderCount();
        if (count == 0) return;
        uint256 orderId = 1 + orderSeed % count;
        Marketplace.Order memory order = market.getOrder(orderId);
        // forge-lint: disable-next-line(block-timestamp)
        if (order.status != Marketplace.OrderStatus.Open || block.timestamp >= order.expiresAt) return;
        units = uint64(_bound(units, 1, order.totalUnits - order.deliveredUnits));
        uint256 feeBefore = usd.balanceOf(market.feeRecipient());
        vm.prank(attester);
        market.attest(orderId, units);
        ghostReleased += uint256(order.pricePerUnit) * units;
        ghostFees += usd.balanceOf(market.feeRecipient()) - feeBefore;
    }

    function refund(uint256 orderSeed, bool asSeller) external {
        uint256 count = market.orderCount();
        if (count == 0) return;
        uint256 orderId = 1 + orderSeed % count;
        Marketplace.Order memory order = market.getOrder(orderId);
        if (order.status != Marketplace.OrderStatus.Open) return;
        if (!asSeller && !market.refundDue(orderId)) return;
        uint256 amount = market.escrowedAmount(orderId);
        vm.prank(asSeller ? order.seller : address(0xCA11));
        market.refund(orderId);
        ghostRefunded += amount;
    }

    function setFee(uint16 fee) external {
        vm.prank(market.owner());
        market.setFee(uint16(_bound(fee, 0, market.MAX_FEE_BPS())));
    }

    function passTime(uint32 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 7 days));
    }

    function _bound(uint256 x, uint256 min, uint256 max) private pure returns (uint256) {
        if (x >= min && x <= max) return x;
        return min + (x % (max - min + 1));
    }
}

/// @notice Funds are never created or lost: the escrow holds exactly what was paid in minus what was released to
///         sellers (with fees) and refunded to buyers, and that equals the sum of every open order's remainder.
contract MarketplaceInvariantTest is Test {
    Marketplace internal market;
    DemoToken internal usd;
    MarketplaceHandler internal handler;
    address internal treasury = address(0x7EA5);

    function setUp() public {
        vm.warp(1_700_000_000);
        usd = new DemoToken("Demo USD", "dUSD", 6, address(this));
        // The registry is not exercised here; any non-zero address satisfies the constructor.
        market = new Marketplace(
            IERC721(address(0xDE71CE)), address(this), treasury, 250, 2 hours, address(0xA77E), IERC20(address(usd))
        );
        handler = new MarketplaceHandler(market, usd, address(0xA77E));
        usd.transferOwnership(address(handler));
        market.transferOwnership(address(handler));
    }

    /// @dev forge reads this to fuzz only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 60
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_escrowBalanceEqualsInMinusOut() public view {
        assertEq(
            usd.balanceOf(address(market)),
            handler.ghostEscrowed() - handler.ghostReleased() - handler.ghostRefunded(),
            "balance == escrowed - released - refunded"
        );
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 60
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_escrowBalanceEqualsOpenRemainders() public view {
        uint256 sum;
        uint256 count = market.orderCount();
        for (uint256 id = 1; id <= count; ++id) {
            sum += market.escrowedAmount(id);
        }
        assertEq(usd.balanceOf(address(market)), sum, "balance == sum of open orders' undelivered value");
    }

    /// forge-config: default.invariant.runs = 64
    /// forge-config: default.invariant.depth = 60
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_paidOutSplitsIntoSellersAndFees() public view {
        uint256 sellers = usd.balanceOf(address(0x51)) + usd.balanceOf(address(0x52));
        assertEq(sellers + usd.balanceOf(treasury), handler.ghostReleased(), "released == sellers + fees");
        assertEq(usd.balanceOf(treasury), handler.ghostFees(), "fees tracked");
        assertTrue(handler.ghostFees() * 10_000 <= handler.ghostReleased() * 1_000, "fees never above the cap");
    }
}
