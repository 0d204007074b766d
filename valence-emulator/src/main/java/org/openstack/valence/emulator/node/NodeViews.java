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

package org.openstack.valence.emulator.node;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import org.openstack.valence.emulator.web.Links;
import org.openstack.valence.emulator.web.Links.Link;

/**
 * The documents Valence answers about composed nodes.
 */
public final class NodeViews {

	private NodeViews() {
	}

	/** An entry of {@code GET /v1/nodes} and the answer to compose and manage. */
	@JsonPropertyOrder({ "uuid", "name", "index", "links" })
	public record Brief(String uuid, String name, String index, List<Link> links) {
	}

	/** {@code GET /v1/nodes/{uuid}}. */
	@JsonPropertyOrder({ "uuid", "name", "index", "description", "resource_uri", "node_power_state", "node_state",
			"boot_source", "target_boot_source", "health_status", "pooled_group_id", "metadata", "computer_system",
			"links", "created_at", "updated_at" })
	public record Detail(String uuid, String name, String index, String description,
			@JsonProperty("resource_uri") String resourceUri, @JsonProperty("node_power_state") PowerState powerState,
			@JsonProperty("node_state") CompositionState nodeState, @JsonProperty("boot_source") BootTarget bootSource,
			@JsonProperty("target_boot_source") BootTarget targetBootSource,
			@JsonProperty("health_status") String healthStatus, @JsonProperty("pooled_group_id") String pooledGroupId,
			Hardware metadata, @JsonProperty("computer_system") Map<String, String> computerSystem, List<Link> links,
			@JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt) {
	}

	/** Valence's confirmation message, e.g. for DELETE. */
	@JsonPropertyOrder({ "request_id", "code", "detail" })
	public record Confirmation(@JsonProperty("request_id") String requestId, String code, String detail) {
	}

	public static Brief brief(ComposedNode node) {
		return brief(node, Links.base());
	}

	/** The brief with its links under {@code base}, {@link Links#base()} read once. */
	public static Brief brief(ComposedNode node, String base) {
		String uuid = node.uuid().toString();
		return new Brief(uuid, node.name(), Integer.toString(node.index()), Links.selfAndBookmark(base, "nodes", uuid));
	}

	public static Detail detail(ComposedNode node, Hardware hardware) {
		NodeStatus status = node.status();
		String uuid = node.uuid().toString();
		return new Detail(uuid, node.name(), Integer.toString(node.index()), node.description(),
				"/redfish/v1/Nodes/" + node.index(), status.power(), status.composition(), status.bootSource(),
				status.bootSource(), "OK", null, hardware, Map.of("@odata.id", "/redfish/v1/Systems/" + node.index()),
				Links.selfAndBookmark("nodes", uuid), Links.timestamp(node.createdAt()),
				Links.timestamp(status.updatedAt()));
	}

}
