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

/** The Reset types the driver sends; Valence has no GracefulShutdown or ForceRestart. */
public enum ResetType {

	ON("On"), FORCE_OFF("ForceOff"), GRACEFUL_RESTART("GracefulRestart");

	private final String wire;

	ResetType(String wire) {
		this.wire = wire;
	}

	String wire() {
		return this.wire;
	}

	@Override
	public String toString() {
		return this.wire;
	}

}
