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

package org.openstack.valence.emulator.control;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.openstack.valence.emulator.fault.FaultRegistry;
import org.openstack.valence.emulator.node.BootTarget;
import org.openstack.valence.emulator.node.ComposedNode;
import org.openstack.valence.emulator.node.CompositionState;
import org.openstack.valence.emulator.node.NodeInventory;
import org.openstack.valence.emulator.node.NodeStatus;
import org.openstack.valence.emulator.node.PowerState;
import org.openstack.valence.emulator.node.ReceivedAction;
import org.openstack.valence.emulator.web.Links;
import org.openstack.valence.emulator.web.StrictJson;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Test and demo controls outside Valence's paths: look inside a node, change its power
 * behind Valence's back, and put everything back to the seeded state.
 */
@RestController
public class ControlController {

	/**
	 * A node as the emulator holds it, including what Valence's own detail does not show.
	 */
	@JsonPropertyOrder({ "uuid", "index", "power_state", "node_state", "boot_source", "boot_enabled",
			"actions_received", "actions" })
	record NodeState(String uuid, int index, @JsonProperty("power_state") PowerState powerState,
			@JsonProperty("node_state") CompositionState nodeState, @JsonProperty("boot_source") BootTarget bootSource,
			@JsonProperty("boot_enabled") String bootEnabled, @JsonProperty("actions_received") int actionsReceived,
			List<ActionView> actions) {
	}

	/** A received action; its body as JSON when it was JSON, else as the text sent. */
	@JsonPropertyOrder({ "received_at", "body", "status" })
	record ActionView(@JsonProperty("received_at") String receivedAt, JsonNode body, int status) {

		static ActionView of(ReceivedAction action) {
			return new ActionView(Links.timestamp(action.receivedAt()), parsed(action.body()), action.status());
		}

		private static JsonNode parsed(String body) {
			if (body.isBlank()) {
				return JsonNodeFactory.instance.stringNode(body);
			}
			try {
				return JsonMapper.shared().readTree(body);
			}
			catch (JacksonException ex) {
				return JsonNodeFactory.instance.stringNode(body);
			}
		}

	}

	/** The two states a person at the rack can leave a node in. */
	enum OutOfBandPower {

		On, Off

	}

	private final NodeInventory inventory;

	private final FaultRegistry faults;

	public ControlController(NodeInventory inventory, FaultRegistry faults) {
		this.inventory = inventory;
		this.faults = faults;
	}

	@GetMapping("/emulator/nodes/{uuid}")
	NodeState node(@PathVariable String uuid) {
		return stateOf(this.inventory.find(uuid));
	}

	/**
	 * Sets the node's power at once, without a transition, as if someone used the power
	 * button.
	 * @throws org.openstack.valence.emulator.web.ValenceException 400 unless the body is
	 * exactly {"state": "On"|"Off"}
	 */
	@PostMapping(path = "/emulator/nodes/{uuid}/power", consumes = MediaType.APPLICATION_JSON_VALUE)
	NodeState power(@PathVariable String uuid, @RequestBody(required = false) String body) {
		ComposedNode node = this.inventory.find(uuid);
		JsonNode request = StrictJson.object(StrictJson.parse(body), "", Set.of("state"));
		OutOfBandPower state = StrictJson.requiredEnum(request, "state", "", OutOfBandPower.class);
		node.forcePower(PowerState.valueOf(state.name()));
		return stateOf(node);
	}

	/**
	 * Valence forgets the node while the PODM keeps it; POST /v1/nodes/manage with its
	 * index brings it back under the same uuid.
	 * @throws org.openstack.valence.emulator.web.ValenceException 404 for a node Valence
	 * does not manage
	 */
	@PostMapping("/emulator/nodes/{uuid}/forget")
	NodeState forget(@PathVariable String uuid) {
		return stateOf(this.inventory.forget(uuid));
	}

	/** What the emulated pod manager can do; absent from a PUT means it can. */
	record PodManagerState(@JsonProperty("allocation_fails") boolean allocationFails) {
	}

	@GetMapping("/emulator/podm")
	PodManagerState podManager() {
		return new PodManagerState(this.inventory.allocationFails());
	}

	/**
	 * Replaces what the PODM can do: {"allocation_fails": true} makes every composition
	 * fail as a PODM without free hardware does.
	 * @throws org.openstack.valence.emulator.web.ValenceException 400 for an unknown key
	 * or a non-boolean value
	 */
	@PutMapping(path = "/emulator/podm", consumes = MediaType.APPLICATION_JSON_VALUE)
	PodManagerState podManager(@RequestBody(required = false) String body) {
		JsonNode request = StrictJson.object(StrictJson.parse(body), "", Set.of("allocation_fails"));
		this.inventory.failAllocations(StrictJson.optionalBoolean(request, "allocation_fails").orElse(false));
		return podManager();
	}

	/**
	 * Back to the seeded inventory (composed and deleted nodes undone, every node Off), a
	 * PODM that can allocate, and no faults.
	 */
	@PostMapping("/emulator/reset")
	ResponseEntity<Void> reset() {
		this.inventory.reset();
		this.faults.clearAll();
		return ResponseEntity.noContent().build();
	}

	private static NodeState stateOf(ComposedNode node) {
		NodeStatus status = node.status();
		return new NodeState(node.uuid().toString(), node.index(), status.power(), status.composition(),
				status.bootSource(), status.bootEnabled(), node.actionsReceived(),
				node.actions().stream().map(ActionView::of).toList());
	}

}
