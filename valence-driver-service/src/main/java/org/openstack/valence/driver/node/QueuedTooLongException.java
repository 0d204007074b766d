/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this
 * file except in compliance with the License. You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under
 * the License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
 * KIND, either express or implied. See the License for the specific language governing
 * permissions and limitations under the License.
 */
package org.openstack.valence.driver.node;

import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.error.ProblemDocuments;

import org.springframework.web.ErrorResponseException;

/**
 * A change's deadline passed while it waited for an earlier change of the same node
 * through this service to be answered; nothing was sent to Valence for it. Answered with
 * the timeout code of the change's own kind.
 */
class QueuedTooLongException extends ErrorResponseException {

	QueuedTooLongException(ErrorCode code, String detail) {
		super(code.status(), ProblemDocuments.of(code, "queued-too-long",
				"Deadline passed behind an earlier change of the node", detail), null);
	}

}
