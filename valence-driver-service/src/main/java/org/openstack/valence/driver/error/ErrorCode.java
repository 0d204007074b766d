/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License. You may obtain
 * a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
 * WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
 * License for the specific language governing permissions and limitations
 * under the License.
 */

package org.openstack.valence.driver.error;

import org.openstack.valence.driver.valence.ValenceException.Failure;

import org.springframework.http.HttpStatus;

/** The stable {@code code} member of every problem document, with its HTTP status. */
public enum ErrorCode {

	NODE_NOT_FOUND(HttpStatus.NOT_FOUND, "Valence has no such node"),
	INVALID_REQUEST(HttpStatus.BAD_REQUEST, "malformed id, body, field or route"),
	UNSUPPORTED(HttpStatus.UNPROCESSABLE_CONTENT, "soft power off (Valence has no GracefulShutdown)"),
	UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "missing or wrong bearer token"),
	/** A token the service accepts, with the read role only, on a change. */
	FORBIDDEN(HttpStatus.FORBIDDEN, "a read token on a change, which needs a token with the change role"),
	VALENCE_UNREACHABLE(HttpStatus.BAD_GATEWAY, "no connection to Valence"),
	VALENCE_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT,
			"no answer from Valence within the request's budget, or a boot device change's budget ran out "
					+ "behind an earlier change of the node"),
	VALENCE_ERROR(HttpStatus.BAD_GATEWAY, "Valence failed the call; its detail is quoted"),
	POWER_STATE_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT,
			"the node did not settle by the request's timeout, or the timeout passed behind an earlier change of "
					+ "the node; actions_sent says which Reset actions were sent"),
	POWER_STATE_CONFLICT(HttpStatus.CONFLICT,
			"the node began moving to the target, then settled in the other power state: another change "
					+ "reversed this one; actions_sent says which Reset actions were sent"),
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
