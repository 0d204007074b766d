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

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.openstack.valence.driver.deadline.BudgetProperties;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.error.Answers;
import org.openstack.valence.driver.node.NodeJson.BootDeviceRequest;
import org.openstack.valence.driver.node.NodeJson.BootDeviceView;
import org.openstack.valence.driver.node.NodeJson.NodeView;
import org.openstack.valence.driver.node.NodeJson.PowerReadView;
import org.openstack.valence.driver.node.NodeJson.PowerRequest;
import org.openstack.valence.driver.node.NodeJson.PowerStateView;
import org.openstack.valence.driver.protocol.Protocol;
import org.openstack.valence.driver.valence.ValenceNode;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.openstack.valence.driver.error.ErrorCode.FORBIDDEN;
import static org.openstack.valence.driver.error.ErrorCode.NODE_NOT_FOUND;
import static org.openstack.valence.driver.error.ErrorCode.POWER_STATE_CONFLICT;
import static org.openstack.valence.driver.error.ErrorCode.POWER_STATE_TIMEOUT;
import static org.openstack.valence.driver.error.ErrorCode.UNSUPPORTED;
import static org.openstack.valence.driver.error.ErrorCode.VALENCE_ERROR;
import static org.openstack.valence.driver.error.ErrorCode.VALENCE_TIMEOUT;
import static org.openstack.valence.driver.error.ErrorCode.VALENCE_UNREACHABLE;

/** Power, boot device and detail of one Valence composed node. */
@RestController
@Tag(name = "nodes")
@Answers({ NODE_NOT_FOUND, VALENCE_UNREACHABLE, VALENCE_TIMEOUT, VALENCE_ERROR })
@RequestMapping(path = Protocol.API_VERSION_PREFIX + "/nodes/{nodeId}", produces = MediaType.APPLICATION_JSON_VALUE)
class NodeController {

	private final NodeReader reader;

	private final PowerService power;

	private final BootDeviceService bootDevice;

	private final PowerProperties powerProperties;

	private final BudgetProperties budget;

	private final RootDisk rootDisk;

	NodeController(NodeReader reader, PowerService power, BootDeviceService bootDevice, PowerProperties powerProperties,
			BudgetProperties budget, RootDisk rootDisk) {
		this.reader = reader;
		this.power = power;
		this.bootDevice = bootDevice;
		this.powerProperties = powerProperties;
		this.budget = budget;
		this.rootDisk = rootDisk;
	}

	@GetMapping
	NodeView node(@PathVariable @Pattern(regexp = Protocol.NODE_ID_PATTERN) String nodeId) {
		Deadline deadline = this.budget.readDeadline();
		ValenceNode node = this.reader.read(nodeId, deadline);
		return NodeView.of(node, this.rootDisk.localGb(node, deadline));
	}

	@GetMapping("/power")
	PowerReadView powerState(@PathVariable @Pattern(regexp = Protocol.NODE_ID_PATTERN) String nodeId) {
		return PowerReadView.of(this.reader.read(nodeId, this.budget.readDeadline()));
	}

	/**
	 * The request's timeout is its deadline, counted from here: the shim's wait is sized
	 * on it.
	 */
	@Answers({ FORBIDDEN, UNSUPPORTED, POWER_STATE_TIMEOUT, POWER_STATE_CONFLICT })
	@PutMapping("/power")
	PowerStateView setPowerState(@PathVariable @Pattern(regexp = Protocol.NODE_ID_PATTERN) String nodeId,
			@Valid @RequestBody PowerRequest request) {
		Duration timeout = (request.timeout() != null) ? Duration.ofSeconds(request.timeout())
				: this.powerProperties.defaultTimeout();
		return new PowerStateView(this.power.set(nodeId, request.target(), Deadline.after(timeout)));
	}

	@GetMapping("/boot-device")
	BootDeviceView bootDevice(@PathVariable @Pattern(regexp = Protocol.NODE_ID_PATTERN) String nodeId) {
		return new BootDeviceView(this.reader.read(nodeId, this.budget.readDeadline()).bootDevice(), null);
	}

	@Answers(FORBIDDEN)
	@PutMapping("/boot-device")
	BootDeviceView setBootDevice(@PathVariable @Pattern(regexp = Protocol.NODE_ID_PATTERN) String nodeId,
			@Valid @RequestBody BootDeviceRequest request) {
		this.bootDevice.set(nodeId, request.bootDevice(), request.isPersistent(), this.budget.readDeadline());
		return new BootDeviceView(request.bootDevice(), request.isPersistent());
	}

}
