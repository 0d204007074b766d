package org.openstack.valence.driver.error;

import org.springframework.http.HttpStatus;

/** The stable {@code code} member of every problem document, with its HTTP status. */
public enum ErrorCode {

	NODE_NOT_FOUND(HttpStatus.NOT_FOUND), INVALID_REQUEST(HttpStatus.BAD_REQUEST),
	UNSUPPORTED(HttpStatus.UNPROCESSABLE_CONTENT), UNAUTHORIZED(HttpStatus.UNAUTHORIZED),
	VALENCE_UNREACHABLE(HttpStatus.BAD_GATEWAY), VALENCE_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT),
	VALENCE_ERROR(HttpStatus.BAD_GATEWAY), POWER_STATE_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT),
	FLAVOR_NOT_FOUND(HttpStatus.NOT_FOUND), NAME_IN_USE(HttpStatus.CONFLICT), COMPOSITION_FAILED(HttpStatus.CONFLICT),
	COMPOSITION_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT);

	private final HttpStatus status;

	ErrorCode(HttpStatus status) {
		this.status = status;
	}

	public HttpStatus status() {
		return this.status;
	}

}
