// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title Marketplace
/// @notice ERC-20 settlement for DePIN Hub's marketplace.
///         - Device sales: a seller lists a DeviceRegistry token at a price; a buyer's payment and the token move in
///           the same transaction, or neither does.
///         - Feed and service orders: the buyer escrows `units × pricePerUnit`. An attester (the middleware's key)
///           attests delivered units; each attestation releases those units' payment to the seller, minus the
///           platform fee. When delivery stops (no attestation for the order's grace period) or the order expires,
///           anyone may refund the undelivered remainder to the buyer.
/// @dev The fee rate and grace period are snapshotted into each order, so the owner cannot change the terms of an
///      order already paid for. Only owner-approved payment tokens are accepted: fee-on-transfer or rebasing tokens
///      would break the escrow's accounting. Every external state change follows checks-effects-interactions and
///      is nonReentrant.
contract Marketplace is Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Highest platform fee the owner can set: 10 %.
    uint16 public constant MAX_FEE_BPS = 1_000;
    uint256 private constant BPS = 10_000;
    /// @notice Bounds on the grace period, so a refund can neither be instant nor postponed for ever.
    uint32 public constant MIN_GRACE_PERIOD = 5 minutes;
    uint32 public constant MAX_GRACE_PERIOD = 30 days;

    enum OrderStatus {
        None,
        Open,
        Completed,
        Refunded
    }

    /// @notice An escrowed feed or service order. Amounts are in `token`'s smallest unit.
    struct Order {
        address buyer;
        address seller;
        IERC20 token;
        uint128 pricePerUnit;
        uint64 totalUnits;
        uint64 deliveredUnits;
        uint64 expiresAt;
        uint64 lastActivityAt;
        uint32 gracePeriod;
        uint16 feeBps;
        OrderStatus status;
        bytes32 listingId;
    }

    /// @notice A device offered for sale.
    struct DeviceListing {
        address seller;
        IERC20 token;
        uint256 price;
    }

    /// @notice The DeviceRegistry whose tokens are sold here.
    IERC721 public immutable deviceRegistry;

    /// @notice Platform fee for new orders and sales, in basis points of the amount paid to the seller.
    uint16 public feeBps;
    /// @notice Grace period for new orders: without an attestation for this long, the buyer may be refunded.
    uint32 public gracePeriod;
    /// @notice Receives platform fees.
    address public feeRecipient;
    /// @notice Number of orders created; order ids are 1..orderCount.
    uint256 public orderCount;

    mapping(address account => bool) public isAttester;
    mapping(IERC20 token => bool) public isPaymentToken;
    mapping(uint256 orderId => Order) private _orders;
    mapping(uint256 tokenId => DeviceListing) private _deviceListings;

    event FeeSet(uint16 feeBps);
    event GracePeriodSet(uint32 gracePeriod);
    event FeeRecipientSet(address feeRecipient);
    event AttesterSet(address indexed attester, bool allowed);
    event PaymentTokenSet(address indexed token, bool allowed);

    event OrderCreated(
        uint256 indexed orderId,
        address indexed buyer,
        address indexed seller,
        bytes32 listingId,
        address token,
        uint256 pricePerUnit,
        uint256 totalUnits,
        uint256 expiresAt,
        uint256 feeBps,
        uint256 gracePeriod
    );
    /// @notice `units` newly delivered; `sellerAmount` paid to the seller and `fee` to the fee recipient.
    event DeliveryAttested(
        uint256 indexed orderId, uint256 units, uint256 deliveredUnits, uint256 sellerAmount, uint256 fee
    );
    event OrderCompleted(uint256 indexed orderId);
    event OrderRefunded(uint256 indexed orderId, address indexed buyer, uint256 amount);

    event DeviceListed(uint256 indexed tokenId, address indexed seller, address token, uint256 price);
    event DeviceListingCancelled(uint256 indexed tokenId, address indexed seller);
    event DeviceSold(
        uint256 indexed tokenId, address indexed seller, address indexed buyer, address token, uint256 price, uint256 fee
    );

    error ZeroAddress();
    error FeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    error GracePeriodOutOfRange(uint256 gracePeriod);
    error NotAttester(address account);
    error PaymentTokenNotAllowed(address token);
    error InvalidOrderTerms();
    error SelfDealing();
    error OrderNotOpen(uint256 orderId);
    error OrderExpired(uint256 orderId, uint256 expiresAt);
    error TooManyUnits(uint256 orderId, uint256 units, uint256 remaining);
    error RefundNotDue(uint256 orderId);
    error NotDeviceOwner(uint256 tokenId, address account);
    error NotListed(uint256 tokenId);
    error ListingStale(uint256 tokenId);
    error PriceChanged(uint256 tokenId, uint256 price, uint256 maxPrice);

    /// @param registry DeviceRegistry (ERC-721) whose tokens are traded.
    /// @param owner_ Sets fees, attesters and payment tokens.
    /// @param feeRecipient_ Receives platform fees.
    /// @param feeBps_ Initial platform fee (at most MAX_FEE_BPS).
    /// @param gracePeriod_ Initial grace period in seconds.
    /// @param attester_ First attester (the middleware's key), or zero for none yet.
    /// @param paymentToken_ First accepted payment token, or zero for none yet.
    constructor(
        IERC721 registry,
        address owner_,
        address feeRecipient_,
        uint16 feeBps_,
        uint32 gracePeriod_,
        address attester_,
        IERC20 paymentToken_
    ) Ownable(owner_) {
        if (address(registry) == address(0)) revert ZeroAddress();
        deviceRegistry = registry;
        _setFeeRecipient(feeRecipient_);
        _setFee(feeBps_);
        _setGracePeriod(gracePeriod_);
        // Set here so a deployment is usable without further owner transactions.
        if (attester_ != address(0)) {
            isAttester[attester_] = true;
            emit AttesterSet(attester_, true);
        }
        if (address(paymentToken_) != address(0)) {
            isPaymentToken[paymentToken_] = true;
            emit PaymentTokenSet(address(paymentToken_), true);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Administration (owner)
    // ---------------------------------------------------------------------------------------------------------

    function setFee(uint16 feeBps_) external onlyOwner {
        _setFee(feeBps_);
    }

    function setGracePeriod(uint32 gracePeriod_) external onlyOwner {
        _setGracePeriod(gracePeriod_);
    }

    function setFeeRecipient(address feeRecipient_) external onlyOwner {
        _setFeeRecipient(feeRecipient_);
    }

    function setAttester(address attester, bool allowed) external onlyOwner {
        if (attester == address(0)) revert ZeroAddress();
        isAttester[attester] = allowed;
        emit AttesterSet(attester, allowed);
    }

    function setPaymentToken(IERC20 token, bool allowed) external onlyOwner {
        if (address(token) == address(0)) revert ZeroAddress();
        isPaymentToken[token] = allowed;
        emit PaymentTokenSet(address(token), allowed);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Feed and service orders
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Escrows `totalUnits × pricePerUnit` of `token` from the caller for an order from `seller`.
    /// @param listingId Off-chain listing this order buys (opaque here; the indexer links it).
    /// @param expiresAt Delivery must happen before this timestamp; afterwards the remainder is refundable.
    /// @return orderId The new order's id.
    function createOrder(
        address seller,
        IERC20 token,
        uint128 pricePerUnit,
        uint64 totalUnits,
        uint64 expiresAt,
        bytes32 listingId
    ) external nonReentrant returns (uint256 orderId) {
        if (seller == address(0)) revert ZeroAddress();
        if (seller == msg.sender) revert SelfDealing();
        if (!isPaymentToken[token]) revert PaymentTokenNotAllowed(address(token));
        // forge-lint: disable-next-line(block-timestamp)
        if (pricePerUnit == 0 || totalUnits == 0 || expiresAt <= block.timestamp) revert InvalidOrderTerms();

        uint256 amount = uint256(pricePerUnit) * totalUnits;
        orderId = ++orderCount;
        _orders[orderId] = Order({
            buyer: msg.sender,
            seller: seller,
            token: token,
            pricePerUnit: pricePerUnit,
            totalUnits: totalUnits,
            deliveredUnits: 0,
            expiresAt: expiresAt,
            lastActivityAt: uint64(block.timestamp),
            gracePeriod: gracePeriod,
            feeBps: feeBps,
            status: OrderStatus.Open,
            listingId: listingId
        });
        emit OrderCreated(
            orderId, msg.sender, seller, listingId, address(token), pricePerUnit, totalUnits, expiresAt, feeBps, gracePeriod
        );

        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Attests that `units` more units of `orderId` were delivered, releasing their payment to the seller.
    /// @dev Attestations are only accepted before the order expires, so a refund computed after expiry is final.
    function attest(uint256 orderId, uint64 units) external nonReentrant {
        if (!isAttester[msg.sender]) revert NotAttester(msg.sender);
        Order storage order = _orders[orderId];
        if (order.status != OrderStatus.Open) revert OrderNotOpen(orderId);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp >= order.expiresAt) revert OrderExpired(orderId, order.expiresAt);
        uint256 remaining = order.totalUnits - order.deliveredUnits;
        if (units == 0 || units > remaining) revert TooManyUnits(orderId, units, remaining);

        uint64 delivered = order.deliveredUnits + units;
        order.deliveredUnits = delivered;
        order.lastActivityAt = uint64(block.timestamp);
        uint256 amount = uint256(order.pricePerUnit) * units;
        uint256 fee = amount * order.feeBps / BPS;
        bool completed = delivered == order.totalUnits;
        if (completed) order.status = OrderStatus.Completed;

        emit DeliveryAttested(orderId, units, delivered, amount - fee, fee);
        if (completed) emit OrderCompleted(orderId);

        order.token.safeTransfer(order.seller, amount - fee);
        if (fee > 0) order.token.safeTransfer(feeRecipient, fee);
    }

    /// @notice Refunds the undelivered remainder of `orderId` to its buyer. Anyone may call it once the order has
    ///         expired or delivery has stopped (no attestation for its grace period); the seller may call it at
    ///         any time to end the order early.
    function refund(uint256 orderId) external nonReentrant {
        Order storage order = _orders[orderId];
        if (order.status != OrderStatus.Open) revert OrderNotOpen(orderId);
        if (msg.sender != order.seller && !_refundDue(order)) revert RefundNotDue(orderId);

        uint256 amount = uint256(order.pricePerUnit) * (order.totalUnits - order.deliveredUnits);
        order.status = OrderStatus.Refunded;
        emit OrderRefunded(orderId, order.buyer, amount);

        order.token.safeTransfer(order.buyer, amount);
    }

    /// @notice The order, as stored.
    function getOrder(uint256 orderId) external view returns (Order memory) {
        return _orders[orderId];
    }

    /// @notice Whether anyone may refund `orderId` now.
    function refundDue(uint256 orderId) external view returns (bool) {
        Order storage order = _orders[orderId];
        return order.status == OrderStatus.Open && _refundDue(order);
    }

    /// @notice Payment still held for `orderId` (what a refund would return now).
    function escrowedAmount(uint256 orderId) external view returns (uint256) {
        Order storage order = _orders[orderId];
        if (order.status != OrderStatus.Open) return 0;
        return uint256(order.pricePerUnit) * (order.totalUnits - order.deliveredUnits);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Device sales
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Offers device token `tokenId` for `price` of `token`. The caller must own it and approve this
    ///         contract (approve or setApprovalForAll) before a buyer can buy it.
    function listDevice(uint256 tokenId, IERC20 token, uint256 price) external {
        if (deviceRegistry.ownerOf(tokenId) != msg.sender) revert NotDeviceOwner(tokenId, msg.sender);
        if (!isPaymentToken[token]) revert PaymentTokenNotAllowed(address(token));
        if (price == 0) revert InvalidOrderTerms();
        _deviceListings[tokenId] = DeviceListing({seller: msg.sender, token: token, price: price});
        emit DeviceListed(tokenId, msg.sender, address(token), price);
    }

    /// @notice Withdraws the caller's listing of `tokenId`.
    function cancelDeviceListing(uint256 tokenId) external {
        if (_deviceListings[tokenId].seller != msg.sender) revert NotListed(tokenId);
        delete _deviceListings[tokenId];
        emit DeviceListingCancelled(tokenId, msg.sender);
    }

    /// @notice Buys listed device `tokenId`: the price moves from the caller to the seller (minus the fee) and the
    ///         token from the seller to the caller, in this one transaction.
    /// @param maxPrice Reverts if the listing's price is higher (protects against a price change in flight).
    function buyDevice(uint256 tokenId, uint256 maxPrice) external nonReentrant {
        DeviceListing memory listing = _deviceListings[tokenId];
        if (listing.seller == address(0)) revert NotListed(tokenId);
        if (listing.price > maxPrice) revert PriceChanged(tokenId, listing.price, maxPrice);
        if (listing.seller == msg.sender) revert SelfDealing();
        // The token may have changed hands since it was listed: such a listing must not sell it.
        if (deviceRegistry.ownerOf(tokenId) != listing.seller) revert ListingStale(tokenId);
        if (!isPaymentToken[listing.token]) revert PaymentTokenNotAllowed(address(listing.token));

        uint256 fee = listing.price * feeBps / BPS;
        delete _deviceListings[tokenId];
        emit DeviceSold(tokenId, listing.seller, msg.sender, address(listing.token), listing.price, fee);

        listing.token.safeTransferFrom(msg.sender, listing.seller, listing.price - fee);
        if (fee > 0) listing.token.safeTransferFrom(msg.sender, feeRecipient, fee);
        // transferFrom, not safeTransferFrom: the buyer is the caller, so a contract buyer chose to receive it.
        deviceRegistry.transferFrom(listing.seller, msg.sender, tokenId);
    }

    /// @notice The current listing of `tokenId` (seller is zero when unlisted).
    function deviceListing(uint256 tokenId) external view returns (DeviceListing memory) {
        return _deviceListings[tokenId];
    }

    // ---------------------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------------------

    function _refundDue(Order storage order) private view returns (bool) {
        // Hours-scale windows: a validator nudging the timestamp by seconds does not matter.
        // forge-lint: disable-next-line(block-timestamp)
        return block.timestamp >= order.expiresAt || block.timestamp >= uint256(order.lastActivityAt) + order.gracePeriod;
    }

    function _setFee(uint16 feeBps_) private {
        if (feeBps_ > MAX_FEE_BPS) revert FeeTooHigh(feeBps_, MAX_FEE_BPS);
        feeBps = feeBps_;
        emit FeeSet(feeBps_);
    }

    function _setGracePeriod(uint32 gracePeriod_) private {
        if (gracePeriod_ < MIN_GRACE_PERIOD || gracePeriod_ > MAX_GRACE_PERIOD) {
            revert GracePeriodOutOfRange(gracePeriod_);
        }
        gracePeriod = gracePeriod_;
        emit GracePeriodSet(gracePeriod_);
    }

    function _setFeeRecipient(address feeRecipient_) private {
        if (feeRecipient_ == address(0)) revert ZeroAddress();
        feeRecipient = feeRecipient_;
        emit FeeRecipientSet(feeRecipient_);
    }
}
