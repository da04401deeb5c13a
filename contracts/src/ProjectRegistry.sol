// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ProjectRegistry
/// @notice Registry of DePIN projects. Anyone may create a project; its creator becomes the project's admin,
///         who may appoint operators (e.g. the hub's backend key) that act for the project in other contracts.
/// @dev Project ids start at 1 so that 0 can mean "no project" in packed storage elsewhere.
contract ProjectRegistry {
    /// @notice Everything stored about one project.
    /// @param admin Account that manages the project's operators, metadata and admin role.
    /// @param rewardToken Token the project pays rewards in (address(0) when none yet).
    /// @param name Human-readable project name (never empty).
    /// @param metadataURI Off-chain metadata (e.g. ipfs:// or https:// JSON document).
    struct Project {
        address admin;
        address rewardToken;
        string name;
        string metadataURI;
    }

    /// @notice Number of projects created so far; also the id of the most recent project.
    uint256 public projectCount;

    mapping(uint256 projectId => Project) private _projects;
    mapping(uint256 projectId => mapping(address account => bool)) private _operators;

    /// @notice Emitted when a project is created.
    event ProjectCreated(
        uint256 indexed projectId, address indexed admin, string name, string metadataURI, address rewardToken
    );
    /// @notice Emitted when a project's name, metadata URI or reward token changes.
    event ProjectMetadataUpdated(uint256 indexed projectId, string name, string metadataURI, address rewardToken);
    /// @notice Emitted when a project's admin role moves to another account.
    event ProjectAdminTransferred(uint256 indexed projectId, address indexed previousAdmin, address indexed newAdmin);
    /// @notice Emitted when an operator is appointed.
    event OperatorAdded(uint256 indexed projectId, address indexed operator);
    /// @notice Emitted when an operator is removed.
    event OperatorRemoved(uint256 indexed projectId, address indexed operator);

    /// @notice The project id does not exist.
    error ProjectNotFound(uint256 projectId);
    /// @notice The caller is not the project's admin.
    error NotProjectAdmin(uint256 projectId, address account);
    /// @notice A project name must not be empty.
    error EmptyProjectName();
    /// @notice The zero address is not allowed here.
    error ZeroAddress();
    /// @notice The account already is an operator of the project.
    error AlreadyOperator(uint256 projectId, address account);
    /// @notice The account is not an operator of the project.
    error NotOperator(uint256 projectId, address account);

    modifier onlyProjectAdmin(uint256 projectId) {
        address admin = _projects[projectId].admin;
        if (admin == address(0)) revert ProjectNotFound(projectId);
        if (admin != msg.sender) revert NotProjectAdmin(projectId, msg.sender);
        _;
    }

    /// @notice Creates a project administered by the caller.
    /// @param name Project name, must not be empty.
    /// @param metadataURI Off-chain metadata URI (may be empty).
    /// @param rewardToken Reward token address (may be address(0) until the project has one).
    /// @return projectId The new project's id (1, 2, 3, ...).
    function createProject(string calldata name, string calldata metadataURI, address rewardToken)
        external
        returns (uint256 projectId)
    {
        if (bytes(name).length == 0) revert EmptyProjectName();
        projectId = ++projectCount;
        _projects[projectId] =
            Project({admin: msg.sender, rewardToken: rewardToken, name: name, metadataURI: metadataURI});
        emit ProjectCreated(projectId, msg.sender, name, metadataURI, rewardToken);
    }

    /// @notice Replaces a project's name, metadata URI and reward token. Admin only.
    function updateMetadata(uint256 projectId, string calldata name, string calldata metadataURI, address rewardToken)
        external
        onlyProjectAdmin(projectId)
    {
        if (bytes(name).length == 0) revert EmptyProjectName();
        Project storage project = _projects[projectId];
        project.name = name;
        project.metadataURI = metadataURI;
        project.rewardToken = rewardToken;
        emit ProjectMetadataUpdated(projectId, name, metadataURI, rewardToken);
    }

    /// @notice Hands the admin role to `newAdmin`. Admin only; takes effect immediately.
    function transferAdmin(uint256 projectId, address newAdmin) external onlyProjectAdmin(projectId) {
        if (newAdmin == address(0)) revert ZeroAddress();
        _projects[projectId].admin = newAdmin;
        emit ProjectAdminTransferred(projectId, msg.sender, newAdmin);
    }

    /// @notice Appoints `operator` to act for the project. Admin only.
    function addOperator(uint256 projectId, address operator) external onlyProjectAdmin(projectId) {
        if (operator == address(0)) revert ZeroAddress();
        if (_operators[projectId][operator]) revert AlreadyOperator(projectId, operator);
        _operators[projectId][operator] = true;
        emit OperatorAdded(projectId, operator);
    }

    /// @notice Removes `operator` from the project. Admin only.
    function removeOperator(uint256 projectId, address operator) external onlyProjectAdmin(projectId) {
        if (!_operators[projectId][operator]) revert NotOperator(projectId, operator);
        _operators[projectId][operator] = false;
        emit OperatorRemoved(projectId, operator);
    }

    /// @notice The project's stored data; reverts for unknown ids.
    function getProject(uint256 projectId) external view returns (Project memory) {
        Project memory project = _projects[projectId];
        if (project.admin == address(0)) revert ProjectNotFound(projectId);
        return project;
    }

    /// @notice The project's admin, or address(0) when the project does not exist.
    function adminOf(uint256 projectId) external view returns (address) {
        return _projects[projectId].admin;
    }

    /// @notice Whether `account` is an operator (not necessarily admin) of the project.
    function isOperator(uint256 projectId, address account) external view returns (bool) {
        return _operators[projectId][account];
    }

    /// @notice Whether `account` may act for the project: its admin or one of its operators.
    /// @dev False for unknown projects (their admin is address(0), and address(0) is never an operator).
    function isAdminOrOperator(uint256 projectId, address account) external view returns (bool) {
        if (account == address(0)) return false;
        return _projects[projectId].admin == account || _operators[projectId][account];
    }
}
