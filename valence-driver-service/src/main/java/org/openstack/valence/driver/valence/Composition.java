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

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What POST /v1/nodes asks Valence to compose: a flavor, or explicit hardware (Valence's
 * compose schema takes one or the other).
 *
 * @param flavorId the uuid of a Valence flavor, or null with explicit hardware
 * @param totalCores the processor cores asked for, or null
 * @param capacityMib the memory asked for, or null
 */
public record Composition(String name, String description, String flavorId, Integer totalCores, Integer capacityMib) {

	public static Composition ofFlavor(String name, String description, String flavorId) {
		return new Composition(name, description, flavorId, null, null);
	}

	public static Composition ofHardware(String name, String description, Integer totalCores, Integer capacityMib) {
		return new Composition(name, description, null, totalCores, capacityMib);
	}

	/** Valence's request body; its schema wants the numbers as strings. */
	Map<String, Object> wire() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", this.name);
		if (this.description != null) {
			body.put("description", this.description);
		}
		if (this.flavorId != null) {
			body.put("flavor_id", this.flavorId);
			return body;
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		if (this.totalCores != null) {
			properties.put("processor", Map.of("total_cores", this.totalCores.toString()));
		}
		if (this.capacityMib != null) {
			properties.put("memory", Map.of("capacity_mib", this.capacityMib.toString()));
		}
		body.put("properties", properties);
		return body;
	}

}
