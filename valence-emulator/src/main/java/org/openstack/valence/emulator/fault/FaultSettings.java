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

package org.openstack.valence.emulator.fault;

import java.util.Set;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import tools.jackson.databind.JsonNode;

import org.openstack.valence.emulator.web.StrictJson;

/**
 * The faults injected on Valence paths, globally or for one node's paths.
 *
 * @param latencyMs delay added before answering
 * @param errorRate share of requests answered 500 instead of being handled, 0 to 1
 * @param down answer every request 503, as a Valence whose PODM is gone
 * @param malformedBody handle the request, then answer 200 with the body cut in half
 * (invalid JSON)
 * @param dropConnection close the connection without answering
 */
@JsonPropertyOrder({ "latency_ms", "error_rate", "down", "malformed_body", "drop_connection" })
public record FaultSettings(@JsonProperty("latency_ms") int latencyMs, @JsonProperty("error_rate") double errorRate,
		boolean down, @JsonProperty("malformed_body") boolean malformedBody,
		@JsonProperty("drop_connection") boolean dropConnection) {

	public static final FaultSettings NONE = new FaultSettings(0, 0, false, false, false);

	/** A bound that keeps a forgotten latency from holding request threads for long. */
	static final int MAX_LATENCY_MS = 60_000;

	/**
	 * Reads a PUT body; absent fields mean "no such fault".
	 * @throws org.openstack.valence.emulator.web.ValenceException 400 for unknown fields
	 * or bad values
	 */
	static FaultSettings read(JsonNode body) {
		StrictJson.object(body, "", Set.of("latency_ms", "error_rate", "down", "malformed_body", "drop_connection"));
		return new FaultSettings(StrictJson.optionalInt(body, "latency_ms", 0, MAX_LATENCY_MS).orElse(0),
				StrictJson.optionalNumber(body, "error_rate", 0, 1).orElse(0.0),
				StrictJson.optionalBoolean(body, "down").orElse(false),
				StrictJson.optionalBoolean(body, "malformed_body").orElse(false),
				StrictJson.optionalBoolean(body, "drop_connection").orElse(false));
	}

	/**
	 * Global and per-node settings together: each kind of fault at the stronger of the
	 * two.
	 */
	FaultSettings strongest(FaultSettings other) {
		return new FaultSettings(Math.max(this.latencyMs, other.latencyMs), Math.max(this.errorRate, other.errorRate),
				this.down || other.down, this.malformedBody || other.malformedBody,
				this.dropConnection || other.dropConnection);
	}

}
