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

package org.openstack.valence.driver.valence;

import java.util.Locale;

/**
 * A call to Valence failed. Each failure mode is its own subclass and names its
 * {@link Failure}; the detail carries Valence's own words when it sent any. What the
 * service's API answers for each mode is the API layer's business.
 */
public abstract sealed class ValenceException extends RuntimeException {

	/** How a call to Valence failed. */
	public enum Failure {

		/**
		 * Connection refused, unknown host, connection reset or closed without an answer.
		 */
		UNREACHABLE(true),
		/**
		 * No complete answer within the configured timeouts or the request's deadline.
		 */
		TIMEOUT(true),
		/** Valence answered 404 for a node. */
		NODE_NOT_FOUND(false),
		/**
		 * Valence refused the request with a 4xx (schema violation, conflict, proxy
		 * auth).
		 */
		REJECTED(false),
		/** Valence, or the pod manager behind it, failed with a 5xx. */
		SERVER_ERROR(true),
		/** Valence answered, but with something that is not the documented JSON. */
		BAD_RESPONSE(false);

		private final boolean transientFailure;

		Failure(boolean transientFailure) {
			this.transientFailure = transientFailure;
		}

		/** The metrics tag and health detail for this failure mode. */
		public String outcome() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	private final Failure failure;

	ValenceException(Failure failure, String detail, Throwable cause) {
		super(detail, cause);
		this.failure = failure;
	}

	public Failure failure() {
		return this.failure;
	}

	/** True when the same idempotent read may succeed if tried again. */
	public boolean isTransient() {
		return this.failure.transientFailure;
	}

	public static final class Unreachable extends ValenceException {

		Unreachable(String detail, Throwable cause) {
			super(Failure.UNREACHABLE, detail, cause);
		}

	}

	public static final class Timeout extends ValenceException {

		public Timeout(String detail, Throwable cause) {
			super(Failure.TIMEOUT, detail, cause);
		}

	}

	public static final class NodeNotFound extends ValenceException {

		NodeNotFound(String detail) {
			super(Failure.NODE_NOT_FOUND, detail, null);
		}

	}

	public static final class Rejected extends ValenceException {

		Rejected(String detail) {
			super(Failure.REJECTED, detail, null);
		}

	}

	public static final class ServerError extends ValenceException {

		ServerError(String detail) {
			super(Failure.SERVER_ERROR, detail, null);
		}

	}

	public static final class BadResponse extends ValenceException {

		BadResponse(String detail, Throwable cause) {
			super(Failure.BAD_RESPONSE, detail, cause);
		}

	}

}
