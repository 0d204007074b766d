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
 * The node had begun moving to the awaited power state, then settled in the other one:
 * another change (another replica, or someone behind Valence's back) reversed this one.
 */
class PowerStateConflictException extends ErrorResponseException {

	PowerStateConflictException(String detail) {
		super(ErrorCode.POWER_STATE_CONFLICT.status(), ProblemDocuments.of(ErrorCode.POWER_STATE_CONFLICT,
				"power-state-conflict", "Power change reversed by another", detail), null);
	}

}
