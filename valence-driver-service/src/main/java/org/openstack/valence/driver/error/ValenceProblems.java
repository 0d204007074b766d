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

import org.openstack.valence.driver.node.UnsupportedPowerStateException;
import org.openstack.valence.driver.shutdown.ShutdownException;
import org.openstack.valence.driver.valence.ValenceArgumentException;
import org.openstack.valence.driver.valence.ValenceException.Failure;
import org.openstack.valence.driver.valence.ValenceException;

import org.springframework.http.ProblemDetail;

/**
 * The API's problem document for each failure the Valence client reports: the client
 * names what went wrong with Valence, and only here does that become one of the
 * protocol's codes and an HTTP status.
 */
final class ValenceProblems {

	private ValenceProblems() {
	}

	/**
	 * @throws IllegalArgumentException for an exception the Valence client does not raise
	 */
	static ProblemDetail of(RuntimeException ex) {
		String detail = ex.getMessage();
		if (ex instanceof ValenceException valence) {
			return of(valence.failure(), detail);
		}
		if (ex instanceof UnsupportedPowerStateException) {
			return ProblemDocuments.of(ErrorCode.UNSUPPORTED, "unsupported-power-state",
					"Power state not supported by Valence", detail);
		}
		if (ex instanceof ShutdownException) {
			return ProblemDocuments.serviceUnavailable(detail);
		}
		if (ex instanceof ValenceArgumentException) {
			return ProblemDocuments.of(ErrorCode.INVALID_REQUEST, "invalid-request", "Invalid request", detail);
		}
		throw new IllegalArgumentException("not a failure of the Valence client", ex);
	}

	private static ProblemDetail of(Failure failure, String detail) {
		ErrorCode code = ErrorCode.of(failure);
		return switch (failure) {
			case UNREACHABLE -> ProblemDocuments.of(code, "valence-unreachable", "Valence cannot be reached", detail);
			case TIMEOUT -> ProblemDocuments.of(code, "valence-timeout", "Valence did not answer in time", detail);
			case NODE_NOT_FOUND -> ProblemDocuments.of(code, "node-not-found", "Node not found in Valence", detail);
			case REJECTED -> ProblemDocuments.of(code, "valence-rejected", "Valence rejected the request", detail);
			case SERVER_ERROR ->
				ProblemDocuments.of(code, "valence-server-error", "Valence or its pod manager failed", detail);
			case BAD_RESPONSE ->
				ProblemDocuments.of(code, "valence-bad-response", "Valence sent an unreadable answer", detail);
		};
	}

}
