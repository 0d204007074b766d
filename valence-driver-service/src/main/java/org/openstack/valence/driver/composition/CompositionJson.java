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

package org.openstack.valence.driver.composition;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.protocol.Protocol;
import org.openstack.valence.driver.valence.ValenceFlavor;
import org.openstack.valence.driver.valence.ValenceNode;

/** The JSON shapes of the composition endpoints. */
final class CompositionJson {

	/**
	 * A composed node's name becomes the Ironic node's name too, so it keeps to the
	 * characters Ironic accepts in a node name.
	 */
	static final String NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._~-]{0,62}$";

	private CompositionJson() {
	}

	/**
	 * @param compositionState Valence's node_state: Allocating, Allocated, Assembling,
	 * Assembled or Failed
	 */
	record ComposedNodeView(@JsonProperty("node_id") String nodeId, String name, String index,
			@JsonProperty("composition_state") String compositionState,
			@JsonProperty("power_state") PowerState powerState) {

		static ComposedNodeView of(ValenceNode node) {
			return new ComposedNodeView(node.uuid(), node.name(), node.index(), node.nodeState(), node.powerState());
		}

	}

	/**
	 * A page of the node list, in the order of node id.
	 *
	 * @param nextMarker the marker of the next page; null on the last page
	 */
	record NodePage(@JsonProperty(Protocol.NODE_LIST_NODES) List<ComposedNodeView> nodes, @Schema(
			description = "The marker of the next page; null on the last page only",
			requiredMode = Schema.RequiredMode.REQUIRED) @JsonProperty(Protocol.NODE_LIST_NEXT_MARKER) String nextMarker) {
	}

	/**
	 * The numbers are null where Valence's flavor gives none, or none that is a number.
	 */
	record FlavorView(@JsonProperty("flavor_id") String flavorId, String name, String description,
			@JsonProperty("total_cores") Integer totalCores, @JsonProperty("memory_mib") Integer memoryMib) {

		static FlavorView of(ValenceFlavor flavor) {
			ValenceFlavor.Properties properties = (flavor.properties() != null) ? flavor.properties()
					: new ValenceFlavor.Properties(null, null);
			return new FlavorView(flavor.uuid(), flavor.name(), flavor.description(),
					(properties.processor() != null) ? number(properties.processor().totalCores()) : null,
					(properties.memory() != null) ? number(properties.memory().capacityMib()) : null);
		}

		private static Integer number(String text) {
			try {
				return (text != null) ? Integer.valueOf(text.strip()) : null;
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

	}

	/**
	 * Exactly one of {@code flavor} (a flavor's uuid or name) and {@code hardware}.
	 *
	 * @param timeout seconds to wait until the node is Assembled; the service default
	 * when absent
	 */
	record ComposeRequest(@NotNull @Pattern(regexp = NAME_PATTERN) String name, @Size(max = 255) String description,
			@Size(min = 1, max = 255) String flavor, @Valid Hardware hardware,
			@Min(Protocol.POWER_TIMEOUT_MIN_SECONDS) @Max(Protocol.POWER_TIMEOUT_MAX_SECONDS) Integer timeout) {
	}

	/** Explicit hardware, for a composition without a flavor; at least one of the two. */
	record Hardware(@JsonProperty("total_cores") @Min(1) @Max(4096) Integer totalCores,
			@JsonProperty("memory_mib") @Min(1) @Max(67108864) Integer memoryMib) {
	}

}
