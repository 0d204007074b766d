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

import java.util.Arrays;

import org.openstack.valence.driver.protocol.BootDevice;

/**
 * Valence's Redfish boot targets for Ironic's boot devices: the one place that pairs
 * them, for the Boot action sent and the boot_source read back.
 */
enum BootTarget {

	PXE("Pxe", BootDevice.PXE), HDD("Hdd", BootDevice.DISK);

	private final String wire;

	private final BootDevice device;

	BootTarget(String wire, BootDevice device) {
		this.wire = wire;
		this.device = device;
	}

	String wire() {
		return this.wire;
	}

	/** Valence's Enabled: Continuous for a persistent override, else Once. */
	static String enabled(boolean persistent) {
		return persistent ? "Continuous" : "Once";
	}

	static BootTarget of(BootDevice device) {
		return Arrays.stream(values())
			.filter((target) -> target.device == device)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no Valence boot target for " + device));
	}

	/**
	 * The Ironic boot device of a boot_source; null for None and anything else Valence
	 * may report.
	 */
	static BootDevice deviceOf(String wire) {
		return Arrays.stream(values())
			.filter((target) -> target.wire.equals(wire))
			.map((target) -> target.device)
			.findFirst()
			.orElse(null);
	}

}
