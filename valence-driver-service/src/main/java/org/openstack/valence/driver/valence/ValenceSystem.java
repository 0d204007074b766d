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

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One computer system as Valence's {@code /v1/systems} describes it. {@code storage} is
 * the sum of the {@code CapacityBytes} of every device of the system's Redfish
 * SimpleStorage, in GiB with the fraction dropped, written as a string.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ValenceSystem(String id, String storage) {

	/** The smallest disk Ironic's redfish inspection counts, in GiB. */
	private static final int SMALLEST_DISK_GB = 4;

	/**
	 * The root disk size Ironic's redfish inspection would set as {@code local_gb}: the
	 * disk's whole GiB less 1 for partitioning, and nothing for a disk under 4 GiB.
	 * Valence gives one total, not each disk, so for a system of several disks this is
	 * their sum.
	 * @return the size, or null when Valence's figure is absent, not a whole number, or
	 * too small
	 */
	public Integer localGb() {
		if (this.storage == null || !this.storage.matches("[0-9]{1,9}")) {
			return null;
		}
		int gb = Integer.parseInt(this.storage);
		return (gb >= SMALLEST_DISK_GB) ? gb - 1 : null;
	}

}
