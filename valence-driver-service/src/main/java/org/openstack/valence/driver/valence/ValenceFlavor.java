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
