// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {DemoToken} from "../src/DemoToken.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract DemoTokenTest is Test {
    DemoToken internal token;
    address internal owner = address(0x0A);

    function setUp() public {
        token = new DemoToken("Demo USD", "dUSD", 6, owner);
    }

    function test_metadata() public view {
        assertEq(token.decimals(), 6, "decimals");
        assertEq(token.symbol(), "dUSD", "symbol");
        assertEq(token.owner(), owner, "owner");
    }

    function testFuzz_ownerMints(address to, uint128 amount) public {
        vm.assume(to != address(0));
        vm.prank(owner);
        token.mint(to, amount);
        assertEq(token.balanceOf(to), amount, "balance");
        assertEq(token.totalSupply(), amount, "supply");
    }

    function testFuzz_othersCannotMint(address caller) public {
        vm.assume(caller != owner);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
        token.mint(caller, 1);
    }
}
