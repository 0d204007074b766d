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

import java.util.Map;

/**
 * A failure whose problem document carries extension members (RFC 9457, section 3.2)
 * besides those of the failure itself: what the client needs to know about the work done
 * before it failed, e.g. the actions a power change had sent.
 */
public class ExtendedProblemException extends RuntimeException {

	/**
	 * The member of a failed change's problem document that lists the actions sent to
	 * Valence before it failed, in order, so that the caller knows whether Valence may
	 * have acted; an action whose answer did not come back is listed.
	 */
	public static final String ACTIONS_SENT = "actions_sent";

	private final RuntimeException failure;

	private final Map<String, Object> members;

	/**
	 * @param failure an {@link ApiException} or a failure of the Valence client
	 * @param members the extension members, by name
	 */
	public ExtendedProblemException(RuntimeException failure, Map<String, Object> members) {
		super(failure.getMessage(), failure);
		this.failure = failure;
		this.members = Map.copyOf(members);
	}

	public RuntimeException failure() {
		return this.failure;
	}

	public Map<String, Object> members() {
		return this.members;
	}

}
