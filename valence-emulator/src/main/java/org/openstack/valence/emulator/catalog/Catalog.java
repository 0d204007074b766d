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

package org.openstack.valence.emulator.catalog;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.springframework.stereotype.Component;

/**
 * The fixed part of the emulated deployment: the flavors Valence offers for composition
 * and the one Pod Manager it fronts. Their uuids are stable so scripts can name them.
 */
@Component
public class Catalog {

	/**
	 * A Valence flavor: a named composition request.
	 *
	 * @param properties the composition properties, in Valence's compose-with-properties
	 * shape
	 */
	public record Flavor(String uuid, String name, String description, FlavorProperties properties) {
	}

	public record FlavorProperties(Processor processor, Memory memory) {
	}

	public record Processor(@JsonProperty("total_cores") String totalCores) {
	}

	public record Memory(@JsonProperty("capacity_mib") String capacityMib) {
	}

	public record PodManager(String uuid, String name, String url, String driver, String status) {
	}

	private static final List<Flavor> FLAVORS = List.of(flavor("small", "2 cores, 8 GiB", "2", "8192"),
			flavor("medium", "8 cores, 32 GiB", "8", "32768"), flavor("large", "28 cores, 192 GiB", "28", "196608"));

	/**
	 * The PODM's address is data only; the emulator plays the PODM itself and never calls
	 * it.
	 */
	private static final PodManager POD_MANAGER = new PodManager(stableUuid("podm:podm-1"), "podm-1",
			"https://127.0.0.1:8443/redfish/v1", "redfishv1", "Online");

	public List<Flavor> flavors() {
		return FLAVORS;
	}

	public Optional<Flavor> flavor(String uuid) {
		return FLAVORS.stream().filter((flavor) -> flavor.uuid().equals(uuid)).findFirst();
	}

	public List<PodManager> podManagers() {
		return List.of(POD_MANAGER);
	}

	public Optional<PodManager> podManager(String uuid) {
		return podManagers().stream().filter((podm) -> podm.uuid().equals(uuid)).findFirst();
	}

	private static Flavor flavor(String name, String description, String cores, String memoryMib) {
		return new Flavor(stableUuid("flavor:" + name), name, description,
				new FlavorProperties(new Processor(cores), new Memory(memoryMib)));
	}

	private static String stableUuid(String name) {
		return UUID.nameUUIDFromBytes(("valence-emulator:" + name).getBytes(StandardCharsets.UTF_8)).toString();
	}

}
