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

import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceNode;
import org.openstack.valence.driver.valence.ValenceSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The root disk size of a composed node, for its inventory only (never for a power read):
 * read from the storage Valence reports for the node's computer system. Valence's node
 * metadata lists no disks, its {@code /v1/nodes/{id}/storages} is not implemented, and
 * its detail does not name the flavor the node was composed from; the system is the one
 * source it has.
 */
@Component
class RootDisk {

	private static final Logger log = LoggerFactory.getLogger(RootDisk.class);

	private final ValenceClient valence;

	RootDisk(ValenceClient valence) {
		this.valence = valence;
	}

	/**
	 * Asks Valence for the node's system within {@code deadline}. A failure leaves the
	 * size unknown rather than failing the read: the rest of the inventory is good, and
	 * the last Valence release answers {@code /v1/systems} with an error or {@code null}.
	 * @return local_gb as Ironic's redfish inspection computes it, or null when Valence
	 * links no system, lists none of that id, gives no usable figure, or fails
	 */
	Integer localGb(ValenceNode node, Deadline deadline) {
		String systemId = node.systemId();
		if (systemId == null) {
			log.info("Valence links no computer system to node {}: its local_gb is unknown", node.uuid());
			return null;
		}
		ValenceSystem system;
		try {
			system = this.valence.getSystem(systemId, deadline);
		}
		catch (ValenceException ex) {
			log.warn("Valence did not tell the storage of node {} (system {}): {}; its local_gb is unknown",
					node.uuid(), systemId, ex.getMessage());
			return null;
		}
		Integer localGb = (system != null) ? system.localGb() : null;
		if (localGb == null) {
			log.info("Valence gives no usable storage for node {} (system {}: {}): its local_gb is unknown",
					node.uuid(), systemId, (system != null) ? system.storage() : "not listed");
		}
		return localGb;
	}

}
