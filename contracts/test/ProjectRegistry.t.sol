// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {ProjectRegistry} from "../src/ProjectRegistry.sol";

contract ProjectRegistryTest is Test {
    event ProjectCreated(
        uint256 indexed projectId, address indexed admin, string name, string metadataURI, address rewardToken
    );
    event ProjectAdminTransferred(uint256 indexed projectId, address indexed previousAdmin, address indexed newAdmin);
    event OperatorAdded(uint256 indexed projectId, address indexed operator);
    event OperatorRemoved(uint256 indexed projectId, address indexed operator);
    event ProjectMetadataUpdated(uint256 indexed projectId, string name, string metadataURI, address rewardToken);

    ProjectRegistry internal registry;
    address internal admin = address(0xA11CE);
    address internal operator = address(0x0BE7);
    address internal token = address(0x70CE);
    uint256 internal projectId;

    function setUp() public {
        registry = new ProjectRegistry();
        vm.prank(admin);
        projectId = registry.createProject("Weather", "ipfs://weather", token);
    }

    function test_createProject_assignsIncrementalIdsAndStoresFields() public {
        assertEq(projectId, 1, "first id is 1");
        vm.expectEmit();
        emit ProjectCreated(2, address(this), "Air", "", address(0));
        uint256 second = registry.createProject("Air", "", address(0));
        assertEq(second, 2, "second id is 2");
        assertEq(registry.projectCount(), 2, "count");

        ProjectRegistry.Project memory project = registry.getProject(projectId);
        assertEq(project.admin, admin, "admin is creator");
        assertEq(project.rewardToken, token, "reward token");
        assertEq(keccak256(bytes(project.name)), keccak256("Weather"), "name");
        assertEq(keccak256(bytes(project.metadataURI)), keccak256("ipfs://weather"), "uri");
    }

    function test_createProject_revertsOnEmptyName() public {
        vm.expectRevert(ProjectRegistry.EmptyProjectName.selector);
        registry.createProject("", "ipfs://x", address(0));
    }

    function test_operators_canBeAddedAndRemoved() public {
        assertFalse(registry.isAdminOrOperator(projectId, operator), "not yet operator");
        assertTrue(registry.isAdminOrOperator(projectId, admin), "admin counts");

        vm.expectEmit();
        emit OperatorAdded(projectId, operator);
        vm.prank(admin);
        registry.addOperator(projectId, operator);
        assertTrue(registry.isOperator(projectId, operator), "operator added");
        assertTrue(registry.isAdminOrOperator(projectId, operator), "operator counts");

        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(ProjectRegistry.AlreadyOperator.selector, projectId, operator));
        registry.addOperator(projectId, operator);

        vm.expectEmit();
        emit OperatorRemoved(projectId, operator);
        vm.prank(admin);
        registry.removeOperator(projectId, operator);
        assertFalse(registry.isAdminOrOperator(projectId, operator), "operator removed");

        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(ProjectRegistry.NotOperator.selector, projectId, operator));
        registry.removeOperator(projectId, operator);
    }

    function test_operators_areScopedToTheirProject() public {
        vm.prank(admin);
        registry.addOperator(projectId, operator);
        uint256 other = registry.createProject("Other", "", address(0));
        assertFalse(registry.isAdminOrOperator(other, operator), "operator of project 1 only");
        assertFalse(registry.isAdminOrOperator(other, admin), "admin of project 1 only");
    }

    function test_transferAdmin_movesAllAdminRights() public {
        address newAdmin = address(0xB0B);
        vm.expectEmit();
        emit ProjectAdminTransferred(projectId, admin, newAdmin);
        vm.prank(admin);
        registry.transferAdmin(projectId, newAdmin);

        assertEq(registry.adminOf(projectId), newAdmin, "new admin");
        assertFalse(registry.isAdminOrOperator(projectId, admin), "old admin lost rights");

        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(ProjectRegistry.NotProjectAdmin.selector, projectId, admin));
        registry.addOperator(projectId, operator);

        vm.prank(newAdmin);
        registry.addOperator(projectId, operator);
    }

    function test_transferAdmin_revertsOnZeroAddress() public {
        vm.prank(admin);
        vm.expectRevert(ProjectRegistry.ZeroAddress.selector);
        registry.transferAdmin(projectId, address(0));
    }

    function test_updateMetadata_replacesFields() public {
        vm.expectEmit();
        emit ProjectMetadataUpdated(projectId, "Weather v2", "ipfs://v2", address(0xCAFE));
        vm.prank(admin);
        registry.updateMetadata(projectId, "Weather v2", "ipfs://v2", address(0xCAFE));
        ProjectRegistry.Project memory project = registry.getProject(projectId);
        assertEq(keccak256(bytes(project.name)), keccak256("Weather v2"), "name");
        assertEq(keccak256(bytes(project.metadataURI)), keccak256("ipfs://v2"), "uri");
        assertEq(project.rewardToken, address(0xCAFE), "token");
    }

    function testFuzz_adminFunctions_revertForNonAdmin(address caller) public {
        vm.assume(caller != admin);
        bytes memory notAdmin = abi.encodeWithSelector(ProjectRegistry.NotProjectAdmin.selector, projectId, caller);

        vm.startPrank(caller);
        vm.expectRevert(notAdmin);
        registry.addOperator(projectId, operator);
        vm.expectRevert(notAdmin);
        registry.removeOperator(projectId, operator);
        vm.expectRevert(notAdmin);
        registry.transferAdmin(projectId, caller);
        vm.expectRevert(notAdmin);
        registry.updateMetadata(projectId, "Hijacked", "", address(0));
        vm.stopPrank();
    }

    function testFuzz_unknownProject_reverts(uint256 unknownId) public {
        vm.assume(unknownId != projectId);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(ProjectRegistry.ProjectNotFound.selector, unknownId));
        registry.addOperator(unknownId, operator);
        vm.expectRevert(abi.encodeWithSelector(ProjectRegistry.ProjectNotFound.selector, unknownId));
        registry.getProject(unknownId);
        assertFalse(registry.isAdminOrOperator(unknownId, admin), "no rights in unknown project");
        assertFalse(registry.isAdminOrOperator(unknownId, address(0)), "zero address never counts");
    }
}
