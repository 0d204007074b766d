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

import jakarta.validation.Valid;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.openstack.valence.driver.deadline.BudgetProperties;
import org.openstack.valence.driver.node.NodeJson.PowerReadsRequest;
import org.openstack.valence.driver.node.NodeJson.PowerReadsView;
import org.openstack.valence.driver.protocol.Protocol;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The power state and health of many nodes in one call, for Ironic's power sync. A POST
 * only because the ids go in a body; it changes nothing and is safe to repeat.
 */
@RestController
@Tag(name = "nodes")
class PowerReadsController {

	private final PowerReadsService reads;

	private final BudgetProperties budget;

	PowerReadsController(PowerReadsService reads, BudgetProperties budget) {
		this.reads = reads;
		this.budget = budget;
	}

	/**
	 * Valence's failures are each node's, in the answer: the request itself fails only as
	 * every operation can.
	 */
	@PostMapping(path = Protocol.API_VERSION_PREFIX + "/power-reads", produces = MediaType.APPLICATION_JSON_VALUE)
	PowerReadsView powerReads(@Valid @RequestBody PowerReadsRequest request) {
		return new PowerReadsView(this.reads.read(request.nodes(), this.budget.readDeadline()));
	}

}
