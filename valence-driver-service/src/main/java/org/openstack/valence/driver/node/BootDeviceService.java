/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this
 * file except in compliance with the License. You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under
 * the License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
 * KIND, either express or implied. See the License for the specific language governing
 * permissions and limitations under the License.
 */

package org.openstack.valence.driver.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.error.ProblemDocuments;
import org.openstack.valence.driver.protocol.BootDevice;
import org.openstack.valence.driver.shutdown.Shutdown;
import org.openstack.valence.driver.shutdown.ShutdownException;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

/**
 * Sets a node's boot override. It waits for the power and boot device changes of the node
 * before it through this service ({@link NodeLocks}), so that an override is never sent
 * in the middle of a reboot this service is driving.
 */
@Service
public class BootDeviceService {

	private static final Logger log = LoggerFactory.getLogger(BootDeviceService.class);

	private final ValenceClient valence;

	private final NodeReader reader;

	private final NodeLocks locks;

	private final Shutdown shutdown;

	public BootDeviceService(ValenceClient valence, NodeReader reader, NodeLocks locks, Shutdown shutdown) {
		this.valence = valence;
		this.reader = reader;
		this.locks = locks;
		this.shutdown = shutdown;
	}

	/**
	 * Sends the Boot action once; Valence applies it before it answers.
	 * @throws ErrorResponseException with the {@value ProblemDocuments#ACTIONS_SENT}
	 * member (the Boot action, as {@link ValenceClient#bootAction} names it, once it was
	 * sent): a VALENCE_TIMEOUT when the deadline passed while an earlier change of the
	 * node was under way, or the {@link ValenceException} of the failed call; a
	 * {@link ShutdownException}, nothing having been sent, when the service began
	 * shutting down before the action
	 */
	public void set(String nodeId, BootDevice device, boolean persistent, Deadline deadline) {
		List<String> sent = new ArrayList<>();
		try {
			this.locks.run(nodeId, deadline, ErrorCode.VALENCE_TIMEOUT, () -> {
				try {
					String action = ValenceClient.bootAction(device, persistent);
					this.shutdown.refuse(action + " could be sent to node " + nodeId);
					log.info("node {}: {}", nodeId, action);
					sent.add(action);
					this.valence.setBootOverride(nodeId, device, persistent, deadline);
					return null;
				}
				finally {
					this.reader.changed(nodeId);
				}
			});
		}
		catch (ValenceException | ErrorResponseException | ShutdownException ex) {
			throw ProblemDocuments.withMembers(ex, Map.of(ProblemDocuments.ACTIONS_SENT, sent));
		}
	}

}
