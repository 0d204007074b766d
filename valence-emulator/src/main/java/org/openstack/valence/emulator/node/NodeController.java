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
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.JsonNode;

import org.openstack.valence.emulator.catalog.Catalog;
import org.openstack.valence.emulator.web.Links;
import org.openstack.valence.emulator.web.RequestIds;
import org.openstack.valence.emulator.web.StrictJson;
import org.openstack.valence.emulator.web.ValenceException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Valence's {@code /v1/nodes} resource: list, detail, compose, delete, manage and
 * actions.
 */
@RestController
public class NodeController {

	private static final Set<String> COMPOSE_KEYS = Set.of("name", "description", "flavor_id", "podm_id", "properties");

	private static final Set<String> PROPERTIES_KEYS = Set.of("memory", "processor", "pci_device");

	private final NodeInventory inventory;

	private final Catalog catalog;

	public NodeController(NodeInventory inventory, Catalog catalog) {
		this.inventory = inventory;
		this.catalog = catalog;
	}

	@GetMapping("/v1/nodes")
	List<NodeViews.Brief> list() {
		String base = Links.base();
		return this.inventory.nodes().stream().map((node) -> NodeViews.brief(node, base)).toList();
	}

	@GetMapping("/v1/nodes/{uuid}")
	NodeViews.Detail detail(@PathVariable String uuid) {
		ComposedNode node = this.inventory.find(uuid);
		return NodeViews.detail(node, this.inventory.hardware(node));
	}

	/**
	 * Composes a node. The body follows Valence's compose_node_schema: a name and either
	 * a flavor_id or inline properties (never both). The hardware the emulated PODM
	 * assembles is the seeded hardware of the new index; the requested properties are
	 * validated but do not shape it.
	 */
	@PostMapping(path = "/v1/nodes", consumes = MediaType.APPLICATION_JSON_VALUE)
	NodeViews.Brief compose(@RequestBody(required = false) String body) {
		JsonNode request = StrictJson.object(StrictJson.parse(body), "", COMPOSE_KEYS);
		String name = StrictJson.requiredString(request, "name", "");
		String description = StrictJson.optionalString(request, "description", "").orElse("");
		if (request.has("flavor_id") && request.has("properties")) {
			throw ValenceException.validation("Give either 'flavor_id' or 'properties', not both");
		}
		StrictJson.optionalString(request, "flavor_id", "")
			.ifPresent((flavor) -> this.catalog.flavor(flavor)
				.orElseThrow(() -> ValenceException.notFound("Flavor '" + flavor + "' not found in database.")));
		checkPodManager(request);
		if (request.has("properties")) {
			checkProperties(request.get("properties"));
		}
		return NodeViews.brief(this.inventory.compose(name, description));
	}

	@DeleteMapping("/v1/nodes/{uuid}")
	NodeViews.Confirmation delete(@PathVariable String uuid, HttpServletRequest http) {
		ComposedNode node = this.inventory.delete(uuid);
		return new NodeViews.Confirmation(RequestIds.of(http), "DELETED",
				"Node " + node.uuid() + " (PODM index " + node.index() + ") has been disassembled and deleted.");
	}

	@PostMapping(path = "/v1/nodes/manage", consumes = MediaType.APPLICATION_JSON_VALUE)
	NodeViews.Brief manage(@RequestBody(required = false) String body) {
		JsonNode request = StrictJson.object(StrictJson.parse(body), "", Set.of("node_index", "podm_id"));
		String index = StrictJson.requiredString(request, "node_index", "");
		checkPodManager(request);
		return NodeViews.brief(this.inventory.manage(index));
	}

	/**
	 * Accepts one Reset or Boot action and answers 204 with an empty body before the node
	 * has finished moving, as Valence does; every attempt is kept in the node's action
	 * history with its status.
	 */
	@PostMapping(path = "/v1/nodes/{uuid}/action", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Void> action(@PathVariable String uuid, @RequestBody(required = false) String body) {
		ComposedNode node = this.inventory.find(uuid);
		try {
			node.apply(NodeAction.read(StrictJson.parse(body)));
		}
		catch (ValenceException ex) {
			node.record(body, ex.status().value());
			throw ex;
		}
		node.record(body, HttpStatus.NO_CONTENT.value());
		return ResponseEntity.noContent().build();
	}

	/** An optional podm_id must name the emulated PODM. */
	private void checkPodManager(JsonNode request) {
		StrictJson.optionalString(request, "podm_id", "")
			.ifPresent((podm) -> this.catalog.podManager(podm)
				.orElseThrow(() -> ValenceException.notFound("Pod manager '" + podm + "' not found in database.")));
	}

	private static void checkProperties(JsonNode properties) {
		StrictJson.object(properties, "properties", PROPERTIES_KEYS);
		if (properties.has("memory")) {
			JsonNode memory = StrictJson.object(properties.get("memory"), "properties.memory",
					Set.of("capacity_mib", "type"));
			StrictJson.optionalString(memory, "capacity_mib", "properties.memory");
			StrictJson.optionalString(memory, "type", "properties.memory");
		}
		if (properties.has("processor")) {
			JsonNode processor = StrictJson.object(properties.get("processor"), "properties.processor",
					Set.of("total_cores", "model"));
			StrictJson.optionalString(processor, "total_cores", "properties.processor");
			StrictJson.optionalString(processor, "model", "properties.processor");
		}
		if (properties.has("pci_device")) {
			JsonNode pci = StrictJson.object(properties.get("pci_device"), "properties.pci_device", Set.of("type"));
			if (pci.has("type") && !pci.get("type").isArray()) {
				throw ValenceException
					.validation(pci.get("type") + " is not of type 'array' (at properties.pci_device.type)");
			}
		}
	}

}
