// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MarketplaceBase} from "./MarketplaceBase.sol";
import {Marketplace} from "../src/Marketplace.sol";
import {DemoToken} from "../src/DemoToken.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract MarketplaceOrdersTest is MarketplaceBase {
    function test_createOrderEscrowsThePayment() public {
        uint256 orderId = _order(1_000_000, 30, 30 days);
        assertEq(orderId, 1, "first order id");
        assertEq(usd.balanceOf(address(market)), 30_000_000, "escrowed");
        assertEq(usd.balanceOf(buyer), 0, "buyer paid");
        Marketplace.Order memory order = market.getOrder(orderId);
        assertEq(order.buyer, buyer, "buyer");
        assertEq(order.seller, seller, "seller");
        assertEq(order.feeBps, FEE_BPS, "fee snapshot");
        assertEq(order.gracePeriod, GRACE, "grace snapshot");
        assertEq(order.listingId, LISTING, "listing");
        assertEq(market.escrowedAmount(orderId), 30_000_000, "escrowedAmount");
    }

    function test_attestReleasesProRataMinusFee() public {
        uint256 orderId = _order(1_000_000, 30, 30 days);
        vm.prank(attester);
        market.attest(orderId, 10);
        // 10 units × 1 dUSD = 10 dUSD; 2.5 % fee = 0.25 dUSD.
        assertEq(usd.balanceOf(seller), 9_750_000, "seller share");
        assertEq(usd.balanceOf(treasury), 250_000, "fee");
        assertEq(usd.balanceOf(address(market)), 20_000_000, "still escrowed");
        assertEq(market.getOrder(orderId).deliveredUnits, 10, "delivered");
    }

    function test_fullDeliveryCompletesTheOrder() public {
        uint256 orderId = _order(1_000_000, 4, 30 days);
        vm.prank(attester);
        market.attest(orderId, 4);
        assertTrue(market.getOrder(orderId).status == Marketplace.OrderStatus.Completed, "completed");
        assertEq(usd.balanceOf(address(market)), 0, "nothing left in escrow");
        vm.prank(attester);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.OrderNotOpen.selector, orderId));
        market.attest(orderId, 1);
    }

    function test_onlyAttestersAttest() public {
        uint256 orderId = _order(1_000_000, 4, 30 days);
        vm.prank(seller);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.NotAttester.selector, seller));
        market.attest(orderId, 1);
    }

    function test_cannotAttestMoreThanOrdered() public {
        uint256 orderId = _order(1_000_000, 4, 30 days);
        vm.prank(attester);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.TooManyUnits.selector, orderId, 5, 4));
        market.attest(orderId, 5);
    }

    function test_cannotAttestAfterExpiry() public {
        uint256 orderId = _order(1_000_000, 4, 1 days);
        vm.warp(block.timestamp + 1 days);
        vm.prank(attester);
        vm.expectRevert();
        market.attest(orderId, 1);
    }

    function test_refundNotDueWhileDelivering() public {
        uint256 orderId = _order(1_000_000, 4, 30 days);
        vm.warp(block.timestamp + GRACE - 1);
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.RefundNotDue.selector, orderId));
        market.refund(orderId);
        vm.prank(attester);
        market.attest(orderId, 1);
        // The attestation restarts the grace period.
        vm.warp(block.timestamp + GRACE - 1);
        assertFalse(market.refundDue(orderId), "not due within grace of last attestation");
    }

    function test_refundAfterDeliveryStops() public {
        uint256 orderId = _order(1_000_000, 10, 30 days);
        vm.prank(attester);
        market.attest(orderId, 3);
        vm.warp(block.timestamp + GRACE);
        assertTrue(market.refundDue(orderId), "due");
        // Anyone may trigger it; the money goes to the buyer.
        vm.prank(address(0xCAFE));
        market.refund(orderId);
        assertEq(usd.balanceOf(buyer), 7_000_000, "undelivered remainder refunded");
        assertEq(usd.balanceOf(address(market)), 0, "escrow empty");
        vm.expectRevert(abi.encodeWithSelector(Marketplace.OrderNotOpen.selector, orderId));
        market.refund(orderId);
    }

    function test_refundAfterExpiry() public {
        uint256 orderId = _order(500_000, 24, 1 days);
        // Delivery keeps going, so only the expiry makes the remainder refundable.
        for (uint256 i; i < 12; ++i) {
            vm.warp(block.timestamp + 1 hours);
            vm.prank(attester);
            market.attest(orderId, 1);
        }
        vm.warp(block.timestamp + 12 hours);
        market.refund(orderId);
        assertEq(usd.balanceOf(buyer), 6_000_000, "12 undelivered hours refunded");
        assertEq(usd.balanceOf(address(market)), 0, "escrow empty");
        assertTrue(market.getOrder(orderId).status == Marketplace.OrderStatus.Refunded, "refunded");
    }

    function test_sellerMayEndAnOrderEarly() public {
        uint256 orderId = _order(1_000_000, 10, 30 days);
        vm.prank(seller);
        market.refund(orderId);
        assertEq(usd.balanceOf(buyer), 10_000_000, "full refund");
    }

    function test_feeIsSnapshottedPerOrder() public {
        uint256 orderId = _order(1_000_000, 10, 30 days);
        vm.prank(marketOwner);
        market.setFee(1_000);
        vm.prank(attester);
        market.attest(orderId, 10);
        assertEq(usd.balanceOf(treasury), 250_000, "old fee applies to the old order");
    }

    function test_feeIsCapped() public {
        vm.prank(marketOwner);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.FeeTooHigh.selector, 1_001, 1_000));
        market.setFee(1_001);
    }

    function test_onlyOwnerAdministers() public {
        vm.startPrank(buyer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, buyer));
        market.setFee(0);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, buyer));
        market.setAttester(buyer, true);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, buyer));
        market.setPaymentToken(IERC20(address(usd)), false);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, buyer));
        market.setFeeRecipient(buyer);
        vm.stopPrank();
    }

    function test_rejectsUnknownTokensAndBadTerms() public {
        DemoToken other = new DemoToken("Other", "OTH", 18, address(this));
        vm.startPrank(buyer);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.PaymentTokenNotAllowed.selector, address(other)));
        market.createOrder(seller, IERC20(address(other)), 1, 1, uint64(block.timestamp + 1), LISTING);
        vm.expectRevert(Marketplace.InvalidOrderTerms.selector);
        market.createOrder(seller, IERC20(address(usd)), 0, 1, uint64(block.timestamp + 1), LISTING);
        vm.expectRevert(Marketplace.InvalidOrderTerms.selector);
        market.createOrder(seller, IERC20(address(usd)), 1, 1, uint64(block.timestamp), LISTING);
        vm.expectRevert(Marketplace.SelfDealing.selector);
        market.createOrder(buyer, IERC20(address(usd)), 1, 1, uint64(block.timestamp + 1), LISTING);
        vm.stopPrank();
    }

    /// @dev Any order, any split of attestations, then a refund: seller + fee + refund == paid, escrow ends empty.
    function testFuzz_orderFlowConservesFunds(uint128 price, uint64 units, uint64[4] memory steps, uint16 fee)
        public
    {
        price = uint128(bound(price, 1, 1e15));
        units = uint64(bound(units, 1, 1e6));
        fee = uint16(bound(fee, 0, 1_000));
        vm.prank(marketOwner);
        market.setFee(fee);
        uint256 orderId = _order(price, units, 30 days);
        uint256 paid = uint256(price) * units;

        for (uint256 i; i < steps.length; ++i) {
            uint64 remaining = units - market.getOrder(orderId).deliveredUnits;
            if (remaining == 0) break;
            uint64 step = uint64(bound(steps[i], 1, remaining));
            vm.warp(block.timestamp + 1 hours);
            vm.prank(attester);
            market.attest(orderId, step);
        }
        uint256 delivered = market.getOrder(orderId).deliveredUnits;
        if (market.getOrder(orderId).status == Marketplace.OrderStatus.Open) {
            vm.warp(block.timestamp + 30 days);
            market.refund(orderId);
        }

        uint256 released = uint256(price) * delivered;
        assertEq(usd.balanceOf(seller) + usd.balanceOf(treasury), released, "released = seller + fee");
        assertEq(usd.balanceOf(buyer), paid - released, "buyer gets the undelivered part back");
        assertEq(usd.balanceOf(address(market)), 0, "escrow empty");
        assertTrue(usd.balanceOf(treasury) <= released * fee / 10_000, "fee never above its rate");
    }
}

contract MarketplaceDeviceSaleTest is MarketplaceBase {
    uint256 internal tokenId;

    function setUp() public override {
        super.setUp();
        tokenId = _claimDevice(seller);
    }

    function _list(uint256 price) internal {
        vm.startPrank(seller);
        devices.approve(address(market), tokenId);
        market.listDevice(tokenId, IERC20(address(usd)), price);
        vm.stopPrank();
    }

    function test_saleSwapsTokenAndPaymentAtomically() public {
        _list(100_000_000);
        _fund(buyer, 100_000_000);
        vm.prank(buyer);
        market.buyDevice(tokenId, 100_000_000);
        assertEq(devices.ownerOf(tokenId), buyer, "token moved");
        assertEq(usd.balanceOf(seller), 97_500_000, "seller paid minus fee");
        assertEq(usd.balanceOf(treasury), 2_500_000, "fee");
        assertEq(market.deviceListing(tokenId).seller, address(0), "listing cleared");
    }

    function test_noPaymentNoToken() public {
        _list(100_000_000);
        _fund(buyer, 99_999_999);
        vm.prank(buyer);
        vm.expectRevert();
        market.buyDevice(tokenId, 100_000_000);
        assertEq(devices.ownerOf(tokenId), seller, "token stays");
        assertEq(usd.balanceOf(buyer), 99_999_999, "buyer keeps the money");
    }

    function test_noApprovalNoPayment() public {
        vm.prank(seller);
        market.listDevice(tokenId, IERC20(address(usd)), 100_000_000);
        _fund(buyer, 100_000_000);
        vm.prank(buyer);
        vm.expectRevert();
        market.buyDevice(tokenId, 100_000_000);
        assertEq(usd.balanceOf(buyer), 100_000_000, "payment reverted with the transfer");
        assertEq(devices.ownerOf(tokenId), seller, "token stays");
    }

    function test_priceProtection() public {
        _list(100_000_000);
        _fund(buyer, 200_000_000);
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.PriceChanged.selector, tokenId, 100_000_000, 99_000_000));
        market.buyDevice(tokenId, 99_000_000);
    }

    function test_staleListingAfterTransferCannotSell() public {
        _list(100_000_000);
        vm.prank(seller);
        devices.transferFrom(seller, alice, tokenId);
        vm.prank(alice);
        devices.setApprovalForAll(address(market), true);
        _fund(buyer, 100_000_000);
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.ListingStale.selector, tokenId));
        market.buyDevice(tokenId, 100_000_000);
    }

    function test_onlyOwnerLists() public {
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.NotDeviceOwner.selector, tokenId, buyer));
        market.listDevice(tokenId, IERC20(address(usd)), 1);
    }

    function test_cancelListing() public {
        _list(100_000_000);
        vm.prank(seller);
        market.cancelDeviceListing(tokenId);
        _fund(buyer, 100_000_000);
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.NotListed.selector, tokenId));
        market.buyDevice(tokenId, 100_000_000);
    }

    function testFuzz_saleConservesFunds(uint256 price, uint16 fee) public {
        price = bound(price, 1, 1e24);
        fee = uint16(bound(fee, 0, 1_000));
        vm.prank(marketOwner);
        market.setFee(fee);
        _list(price);
        _fund(buyer, price);
        vm.prank(buyer);
        market.buyDevice(tokenId, price);
        assertEq(usd.balanceOf(seller) + usd.balanceOf(treasury), price, "price split between seller and fee");
        assertEq(usd.balanceOf(treasury), price * fee / 10_000, "fee at its rate");
        assertEq(usd.balanceOf(address(market)), 0, "the market holds nothing");
        assertEq(devices.ownerOf(tokenId), buyer, "token moved");
    }
}

contract MarketplaceAdminTest is MarketplaceBase {
    function test_constructorSetsInitialAttesterAndToken() public view {
        assertTrue(market.isAttester(attester), "attester");
        assertTrue(market.isPaymentToken(IERC20(address(usd))), "payment token");
        assertEq(market.feeBps(), FEE_BPS, "fee");
        assertEq(market.feeRecipient(), treasury, "fee recipient");
    }

    function test_revokedAttesterCannotAttest() public {
        uint256 orderId = _order(1, 2, 1 days);
        vm.prank(marketOwner);
        market.setAttester(attester, false);
        vm.prank(attester);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.NotAttester.selector, attester));
        market.attest(orderId, 1);
    }

    function test_gracePeriodBounds() public {
        vm.startPrank(marketOwner);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.GracePeriodOutOfRange.selector, 60));
        market.setGracePeriod(60);
        vm.expectRevert(abi.encodeWithSelector(Marketplace.GracePeriodOutOfRange.selector, 31 days));
        market.setGracePeriod(31 days);
        vm.stopPrank();
    }
}
