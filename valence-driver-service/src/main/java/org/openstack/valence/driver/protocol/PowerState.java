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

package org.openstack.valence.driver.protocol;

import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonValue;

/** Ironic's power state strings, as the shim and the service exchange them. */
public enum PowerState {

	POWER_ON("power on", true), POWER_OFF("power off", true), REBOOT("rebooting", false),
	SOFT_REBOOT("soft rebooting", false), SOFT_POWER_OFF("soft power off", false),
	/** Valence reported something that is neither on nor off: never a guess. */
	ERROR("error", true);

	private final String wire;

	private final boolean readable;

	PowerState(String wire, boolean readable) {
		this.wire = wire;
		this.readable = readable;
	}

	@JsonValue
	public String wire() {
		return this.wire;
	}

	/** The states a read of a node can answer (protocol.POWER_STATES_READ). */
	public static List<PowerState> readable() {
		return Arrays.stream(values()).filter((state) -> state.readable).toList();
	}

	@Override
	public String toString() {
		return this.wire;
	}

}
