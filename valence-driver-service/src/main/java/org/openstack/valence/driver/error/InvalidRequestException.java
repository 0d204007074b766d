package org.openstack.valence.driver.error;

/** The request cannot be served as asked; the detail says what to change. */
public class InvalidRequestException extends ApiException {

	public InvalidRequestException(String detail) {
		super(ErrorCode.INVALID_REQUEST, "invalid-request", "Invalid request", detail, null);
	}

}
