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

package org.openstack.valence.driver.composition;

import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.error.ProblemDocuments;

import org.springframework.web.ErrorResponseException;

/**
 * A composition that cannot be done, or did not end, as asked; or a page of the node list
 * not read in time.
 */
final class CompositionException extends ErrorResponseException {

	private CompositionException(ErrorCode code, String kind, String title, String detail, Throwable cause) {
		super(code.status(), ProblemDocuments.of(code, kind, title, detail), cause);
	}

	static CompositionException flavorNotFound(String detail) {
		return new CompositionException(ErrorCode.FLAVOR_NOT_FOUND, "flavor-not-found", "Flavor not found in Valence",
				detail, null);
	}

	static CompositionException nameInUse(String detail) {
		return new CompositionException(ErrorCode.NAME_IN_USE, "name-in-use", "Node name already in use", detail, null);
	}

	static CompositionException failed(String detail, Throwable cause) {
		return new CompositionException(ErrorCode.COMPOSITION_FAILED, "composition-failed",
				"Valence could not compose the node", detail, cause);
	}

	/** A page of the node list not read whole by the request's deadline. */
	static CompositionException listTimedOut(String detail) {
		return new CompositionException(ErrorCode.VALENCE_TIMEOUT, "node-list-timeout",
				"Node list page not read in time", detail, null);
	}

	static CompositionException timedOut(String detail) {
		return new CompositionException(ErrorCode.COMPOSITION_TIMEOUT, "composition-timeout",
				"Node not assembled in time", detail, null);
	}

}
