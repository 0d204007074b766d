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

package org.openstack.valence.emulator.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.openstack.valence.emulator.node.Hardware;
import org.openstack.valence.emulator.node.NodeInventory;
import org.openstack.valence.emulator.web.RequestIds;
import org.openstack.valence.emulator.web.ValenceError;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The PODM's computer systems as Valence's redfish module describes them
 * ({@code valence/redfish/redfish.py}, {@code systems_list}), and the storages of a node,
 * which Valence never implemented.
 */
@RestController
public class SystemController {

	/** A full RSD rack of 1U sleds, to give systems a plausible location. */
	private static final int NODES_PER_RACK = 40;

	/** Valence divides the summed capacities by this and drops the fraction. */
	private static final long BYTES_PER_GB = 1L << 30;

	/**
	 * Flask's abort(501) falls through Valence's error handler to its catch-all branch,
	 * which answers 500 and names the exception.
	 */
	private static final String NOT_IMPLEMENTED = "NotImplemented";

	private final NodeInventory inventory;

	public SystemController(NodeInventory inventory) {
		this.inventory = inventory;
	}

	/** Every computer system the PODM holds, whether or not Valence manages its node. */
	@GetMapping("/v1/systems")
	List<Map<String, Object>> systems() {
		return this.inventory.podmIndexes().stream().map(this::system).toList();
	}

	/**
	 * Valence filters its list by the Redfish {@code Id}, so the answer is an array: one
	 * system, or none (still 200) for an id the PODM does not have.
	 */
	@GetMapping("/v1/systems/{systemId}")
	List<Map<String, Object>> system(@PathVariable String systemId) {
		return this.inventory.podmIndexes()
			.stream()
			.filter((index) -> index.toString().equals(systemId))
			.map(this::system)
			.toList();
	}

	/** Valence answers every node, known or not, the same way. */
	@GetMapping("/v1/nodes/{nodeId}/storages")
	ResponseEntity<ValenceError> storages(HttpServletRequest request) {
		return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ValenceError(RequestIds.of(request), NOT_IMPLEMENTED, HttpStatus.INTERNAL_SERVER_ERROR.value(),
					NOT_IMPLEMENTED,
					"501 Not Implemented: The server does not support the action requested by the browser."));
	}

	/**
	 * Flask sorts the keys of the answer (upper case first); every figure is a string, as
	 * Valence writes it.
	 */
	private Map<String, Object> system(int index) {
		Hardware hardware = this.inventory.hardware(index);
		Map<String, Object> cpu = new LinkedHashMap<>();
		List<Hardware.Processor> processors = hardware.processor();
		Hardware.Processor last = processors.get(processors.size() - 1);
		cpu.put("arch", last.instructionSet());
		cpu.put("cores", Integer.toString(processors.stream().mapToInt(Hardware.Processor::totalCore).sum()));
		cpu.put("model", last.model());
		long ramMb = hardware.memory().stream().mapToLong(Hardware.Memory::totalMemoryMb).sum();
		long diskBytes = 0;
		for (long disk : this.inventory.diskBytes(index)) {
			diskBytes += disk;
		}
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("Description", "Computer System");
		view.put("Name", "System " + index);
		view.put("cpu", cpu);
		view.put("health", "OK");
		view.put("id", Integer.toString(index));
		view.put("location", "Systems:" + index + "_Drawer:drawer-" + index + "_Rack:rack-"
				+ (1 + (index - 1) / NODES_PER_RACK) + "_Pod:pod-1_");
		view.put("network", Integer.toString(hardware.network().size()));
		view.put("ram", Long.toString(ramMb / 1024));
		view.put("storage", Long.toString(diskBytes / BYTES_PER_GB));
		view.put("uuid", this.inventory.systemUuid(index).toString());
		return view;
	}

}
