export { DomainError, ForbiddenError, NotFoundError, ServiceUnavailableError, UnauthorizedError } from "./errors";
export { errorResponse, json, type ErrorBody, type FieldIssue } from "./respond";
export { handle, parseJsonBody } from "./handler";
