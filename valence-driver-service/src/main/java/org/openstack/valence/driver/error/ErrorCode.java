package org.openstack.valence.driver.error;

import org.openstack.valence.driver.valence.ValenceException.Failure;

import org.springframework.http.HttpStatus;

/** The stable {@code code} member of every problem document, with its HTTP status. */
public enum ErrorCode {

	NODE_NOT_FOUND(HttpStatus.NOT_FOUND, "Valence has no such node"),
	INVALID_REQUEST(HttpStatus.BAD_REQUEST, "malformed id, body, field or route"),
	UNSUPPORTED(HttpStatus.UNPROCESSABLE_CONTENT, "soft power off (Valence has no GracefulShutdown)"),
	UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "missing or wrong bearer token"),
	VALENCE_UNREACHABLE(HttpStatus.BAD_GATEWAY, "no connection to Valence"),
	VALENCE_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "no answer from Valence within the request's budget"),
	VALENCE_ERROR(HttpStatus.BAD_GATEWAY, "Valence failed the call; its detail is quoted"),
	POWER_STATE_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT,
			"the node did not settle by the request's timeout; actions_sent says which Reset actions were sent"),
	/** A fault of the service itself, never of the client or of Valence. */
	INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "a fault of the service itself, logged under the request_id"),
	FLAVOR_NOT_FOUND(HttpStatus.NOT_FOUND, "Valence has no flavor with that uuid or name"),
	NAME_IN_USE(HttpStatus.CONFLICT,
			"a composed node has that name (node_id names it), or one of that name is being composed"),
	COMPOSITION_FAILED(HttpStatus.CONFLICT,
			"Valence refused the composition, or the node ended Failed (node_id names it); Valence's detail is quoted"),
	COMPOSITION_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT,
			"the composed node was not Assembled by the request's timeout; node_id names it"),
	/**
	 * The service is shutting down and took no action for the request: another replica
	 * may take it.
	 */
	SERVICE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE,
			"the service is shutting down and took no action for this request; another replica may take it"),
	/** A path the API does not have; no operation answers it. */
	ROUTE_NOT_FOUND(HttpStatus.NOT_FOUND, "the API has no such route");

	private final HttpStatus status;

	private final String description;

	ErrorCode(HttpStatus status, String description) {
		this.status = status;
		this.description = description;
	}

	/**
	 * The code the API answers for a failed Valence call: a problem document's, or a
	 * node's in a power read of many nodes.
	 */
	public static ErrorCode of(Failure failure) {
		return switch (failure) {
			case UNREACHABLE -> VALENCE_UNREACHABLE;
			case TIMEOUT -> VALENCE_TIMEOUT;
			case NODE_NOT_FOUND -> NODE_NOT_FOUND;
			case REJECTED, SERVER_ERROR, BAD_RESPONSE -> VALENCE_ERROR;
		};
	}

	public HttpStatus status() {
		return this.status;
	}

	/** What the code means, for the OpenAPI document. */
	public String description() {
		return this.description;
	}

}
