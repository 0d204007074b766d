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
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of GET /v1/flavors: a named composition request. Valence writes the numbers
 * in a flavor's properties as strings; they are kept as Valence wrote them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ValenceFlavor(String uuid, String name, String description, Properties properties) {

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Properties(Processor processor, Memory memory) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Processor(@JsonProperty("total_cores") String totalCores, String model) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Memory(@JsonProperty("capacity_mib") String capacityMib, String type) {
	}

}
