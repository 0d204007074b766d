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

import org.openstack.valence.emulator.node.NodeInventory;
import org.openstack.valence.emulator.web.StrictJson;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The fault-control API: {@code /emulator/faults} for every Valence path, and
 * {@code /emulator/nodes/{uuid}/faults} for one node's paths. PUT replaces the settings
 * (absent fields mean "off") and answers what is now in force; DELETE clears them.
 */
@RestController
public class FaultController {

	private final FaultRegistry faults;

	private final NodeInventory inventory;

	public FaultController(FaultRegistry faults, NodeInventory inventory) {
		this.faults = faults;
		this.inventory = inventory;
	}

	@GetMapping("/emulator/faults")
	FaultSettings global() {
		return this.faults.global();
	}

	@PutMapping(path = "/emulator/faults", consumes = MediaType.APPLICATION_JSON_VALUE)
	FaultSettings setGlobal(@RequestBody(required = false) String body) {
		this.faults.setGlobal(FaultSettings.read(StrictJson.parse(body)));
		return this.faults.global();
	}

	@DeleteMapping("/emulator/faults")
	ResponseEntity<Void> clearGlobal() {
		this.faults.setGlobal(FaultSettings.NONE);
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/emulator/nodes/{uuid}/faults")
	FaultSettings node(@PathVariable String uuid) {
		return this.faults.node(this.inventory.find(uuid).uuid());
	}

	@PutMapping(path = "/emulator/nodes/{uuid}/faults", consumes = MediaType.APPLICATION_JSON_VALUE)
	FaultSettings setNode(@PathVariable String uuid, @RequestBody(required = false) String body) {
		var node = this.inventory.find(uuid).uuid();
		this.faults.setNode(node, FaultSettings.read(StrictJson.parse(body)));
		return this.faults.node(node);
	}

	@DeleteMapping("/emulator/nodes/{uuid}/faults")
	ResponseEntity<Void> clearNode(@PathVariable String uuid) {
		this.faults.clearNode(this.inventory.find(uuid).uuid());
		return ResponseEntity.noContent().build();
	}

}
