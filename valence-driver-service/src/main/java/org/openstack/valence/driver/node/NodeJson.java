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

package org.openstack.valence.driver.node;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import org.hibernate.validator.constraints.UniqueElements;
import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.protocol.BootDevice;
import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.protocol.Protocol;
import org.openstack.valence.driver.valence.ValenceNode;

/** The JSON shapes of the node endpoints, as the shim-to-service contract fixes them. */
final class NodeJson {

	private NodeJson() {
	}

	record PowerStateView(@JsonProperty("power_state") PowerState powerState) {
	}

	/**
	 * A power read. The health rides along because Ironic's power sync asks for the power
	 * state and then the health of each node, and one call can answer both; the name and
	 * composition state because verifying a node that is being enrolled checks and
	 * records them, after the same read.
	 *
	 * @param name the composed node's name in Valence
	 * @param health one of protocol.HEALTH_STATES, or null when Valence reports none
	 * @param compositionState Valence's node_state as it is, so that the sync can tell a
	 * node whose composition failed (protocol.COMPOSITION_STATE_FAILED)
	 */
	record PowerReadView(@JsonProperty("power_state") PowerState powerState, String health,
			@JsonProperty("composition_state") String compositionState, String name) implements PowerReadOutcome {

		/** The one place a node becomes a power read, single or in a batch. */
		static PowerReadView of(ValenceNode node) {
			return new PowerReadView(node.powerState(), node.health(), node.nodeState(), node.name());
		}

	}

	/**
	 * @param nodes the node ids to read, each once
	 */
	record PowerReadsRequest(@ArraySchema(uniqueItems = true) @NotNull @Size(min = 1,
			max = Protocol.POWER_READS_MAX_NODES) @UniqueElements List<@NotNull @Pattern(
					regexp = Protocol.NODE_ID_PATTERN) String> nodes) {
	}

	/**
	 * @param nodes every node id of the request, once: its power read or why it failed
	 */
	record PowerReadsView(Map<String, PowerReadOutcome> nodes) {
	}

	/** What a power read of many nodes answers for one of them. */
	@Schema(oneOf = { PowerReadView.class, PowerReadFailure.class })
	sealed interface PowerReadOutcome permits PowerReadView, PowerReadFailure {

	}

	/**
	 * @param error one of protocol.POWER_READ_ERRORS
	 */
	record PowerReadFailure(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {
			"NODE_NOT_FOUND", "VALENCE_UNREACHABLE", "VALENCE_TIMEOUT", "VALENCE_ERROR",
			"INTERNAL_ERROR" }) ErrorCode error) implements PowerReadOutcome{
	}

	/**
	 * @param timeout seconds to wait for the state; the service default when absent
	 */
	record PowerRequest(@NotNull PowerState target,
			@Min(Protocol.POWER_TIMEOUT_MIN_SECONDS) @Max(Protocol.POWER_TIMEOUT_MAX_SECONDS) Integer timeout) {
	}

	/**
	 * @param persistent always null when read back: Valence does not say
	 */
	record BootDeviceView(@JsonProperty("boot_device") BootDevice bootDevice, Boolean persistent) {
	}

	record BootDeviceRequest(@NotNull @JsonProperty("boot_device") BootDevice bootDevice, Boolean persistent) {

		boolean isPersistent() {
			return Boolean.TRUE.equals(this.persistent);
		}

	}

	record Inventory(Integer cpus, @JsonProperty("memory_mb") Integer memoryMb,
			@JsonProperty("cpu_arch") String cpuArch,
			@Schema(description = "GiB of the root disk as Ironic's redfish inspection counts it (less 1 GiB), "
					+ "from the storage Valence reports for the node's computer system (a total over its disks); "
					+ "null when Valence tells none") @JsonProperty("local_gb") Integer localGb,
			List<String> macs) {
	}

	record NodeView(@JsonProperty("node_id") String nodeId, String name, String description,
			@JsonProperty("power_state") PowerState powerState, @JsonProperty("boot_device") BootDevice bootDevice,
			@JsonProperty("boot_persistent") Boolean bootPersistent, String health,
			@JsonProperty("composition_state") String compositionState, Inventory inventory) {

		/**
		 * @param localGb the root disk size from the node's computer system, null when
		 * Valence tells none
		 */
		static NodeView of(ValenceNode node, Integer localGb) {
			return new NodeView(node.uuid(), node.name(), node.description(), node.powerState(), node.bootDevice(),
					null, node.health(), node.nodeState(),
					new Inventory(node.cpus(), node.memoryMb(), node.cpuArch(), localGb, node.macs()));
		}

	}

}
