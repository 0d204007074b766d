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

package org.openstack.valence.driver.valence;

import java.util.List;

import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.protocol.BootDevice;

/**
 * Valence's v1 API as the driver needs it. Every call is bounded by the {@link Deadline}
 * of the request it is made for: its timeout is cut to the time left, retries stop when
 * the time left cannot pay for them, and nothing is sent once the deadline has passed.
 * Every method throws a {@link ValenceException} subclass that names the failure mode
 * ({@link ValenceException.Timeout} when the deadline cut the call short or had passed),
 * and {@link ValenceArgumentException} for a node id that does not match the protocol's
 * pattern (checked before any URL is built).
 */
public interface ValenceClient {

	/** GET /v1/nodes/{uuid}; retried on transient failures. */
	ValenceNode getNode(String nodeId, Deadline deadline);

	/**
	 * GET /v1/systems/{id}, which Valence answers with an array of the one system whose
	 * Redfish Id it is, or an empty one; retried.
	 * @return the system, or null when Valence lists none of that id
	 */
	ValenceSystem getSystem(String systemId, Deadline deadline);

	/** GET /v1/nodes, a bare array or a {"nodes": [...]} wrapper; retried. */
	List<ValenceNodeSummary> listNodes(Deadline deadline);

	/** GET /v1/flavors, a bare array; retried. */
	List<ValenceFlavor> listFlavors(Deadline deadline);

	/**
	 * POST /v1/nodes once, never retried: a repeat would compose a second node. Valence
	 * answers when the PODM has accepted the composition, before the node is Assembled.
	 * @return the new node's brief, with its uuid
	 */
	ValenceNodeSummary compose(Composition composition, Deadline deadline);

	/** DELETE /v1/nodes/{uuid} once: disassembles the node at the PODM. */
	void deleteNode(String nodeId, Deadline deadline);

	/** GET / once, without retry: a probe that measures one attempt. */
	ValenceVersion probe(Deadline deadline);

	/** POST a Reset action; never retried, since a repeat may act twice. */
	void reset(String nodeId, ResetType type, Deadline deadline);

	/** POST a Boot action: Pxe or Hdd, Continuous when persistent else Once. */
	void setBootOverride(String nodeId, BootDevice device, boolean persistent, Deadline deadline);

	/**
	 * The Boot action {@link #setBootOverride} sends, in Valence's words, as a failed
	 * change lists it: {@code Boot Pxe/Continuous}.
	 */
	static String bootAction(BootDevice device, boolean persistent) {
		return "Boot " + BootTarget.of(device).wire() + "/" + BootTarget.enabled(persistent);
	}

}
