import { DomainError, ForbiddenError, NotFoundError } from "../http/errors";

/** A listed device is not the seller's (or not indexed): you can only list what you own. */
export class NotYourDeviceError extends ForbiddenError {
  constructor(device: string) {
    super(`Device ${device} is not yours to list.`, "not_your_device");
  }
}

export class MixedProjectsError extends DomainError {
  constructor() {
    super("mixed_projects", "All devices of a listing must belong to the same project.", 400);
  }
}

export class NoAreaError extends DomainError {
  constructor() {
    super("no_area", "Pick the area as H3 cells: the devices have not reported a position recently.", 400);
  }
}

export class InvalidAreaError extends DomainError {
  constructor(message: string) {
    super("invalid_area", message, 400);
  }
}

export class DeviceAlreadyListedError extends DomainError {
  constructor(device: string) {
    super("device_already_listed", `Device ${device} is already listed for sale.`, 409);
  }
}

export class ListingNotFoundError extends NotFoundError {
  constructor() {
    super("No such listing.", "listing_not_found");
  }
}

export class RequestNotFoundError extends NotFoundError {
  constructor() {
    super("No such request.", "request_not_found");
  }
}

export class ExpiryInPastError extends DomainError {
  constructor() {
    super("expiry_in_past", "The request must expire in the future.", 400);
  }
}
