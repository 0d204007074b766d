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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.error.ProblemDocuments;
import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.shutdown.Shutdown;
import org.openstack.valence.driver.shutdown.ShutdownException;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

/**
 * Drives a node to a power state and waits until Valence reports it settled there:
 * Valence accepts an action before it is carried out. The request's deadline bounds every
 * read, action and wait, and no action is sent once it has passed. The changes of one
 * node through this service run one after the other ({@link NodeLocks}), each deciding
 * from a read made once the one before it was answered.
 */
@Service
public class PowerService {

	private static final Logger log = LoggerFactory.getLogger(PowerService.class);

	private final ValenceClient valence;

	private final NodeReader reader;

	private final NodeLocks locks;

	private final NodePoller poller;

	private final Shutdown shutdown;

	public PowerService(ValenceClient valence, NodeReader reader, NodeLocks locks, PowerProperties properties,
			Shutdown shutdown) {
		this.valence = valence;
		this.reader = reader;
		this.locks = locks;
		this.poller = new NodePoller(valence, properties.pollInterval(), shutdown);
		this.shutdown = shutdown;
	}

	/**
	 * @return the state reached: power off for a power off, else power on
	 * @throws org.openstack.valence.driver.node.UnsupportedPowerStateException for soft
	 * power off, before anything is sent
	 * @throws org.openstack.valence.driver.valence.ValenceArgumentException for a state
	 * that can only be read, before anything is sent
	 * @throws ErrorResponseException with the {@value ProblemDocuments#ACTIONS_SENT}
	 * member: a POWER_STATE_TIMEOUT when the node has not settled by the deadline (or the
	 * deadline passed while an earlier change of the node was under way), a
	 * {@link PowerStateConflictException} when another change reversed this one, or a
	 * {@link ValenceException} when a call to Valence failed (a
	 * {@link ValenceException.Timeout} when the deadline cut it short); when the service
	 * began shutting down, a {@link ShutdownException} if nothing was sent, else a
	 * {@link PowerStateTimeoutException}
	 */
	public PowerState set(String nodeId, PowerState target, Deadline deadline) {
		PowerState reached = PowerPlan.reached(target);
		List<String> sent = new ArrayList<>();
		try {
			return this.locks.run(nodeId, deadline, ErrorCode.POWER_STATE_TIMEOUT,
					() -> change(nodeId, target, reached, deadline, sent));
		}
		catch (ValenceException | ErrorResponseException ex) {
			throw ProblemDocuments.withMembers(ex, Map.of(ProblemDocuments.ACTIONS_SENT, sent));
		}
		catch (ShutdownException ex) {
			// Another replica may take the change only when this one sent nothing.
			throw ProblemDocuments.withMembers(
					sent.isEmpty() ? ex
							: new PowerStateTimeoutException("node " + nodeId + " did not reach '" + reached + "': "
									+ ex.getMessage() + ", after sending " + sent + "; nothing more is sent"),
					Map.of(ProblemDocuments.ACTIONS_SENT, sent));
		}
	}

	/** Reads, decides and acts; run under the node's lock. */
	private PowerState change(String nodeId, PowerState target, PowerState reached, Deadline deadline,
			List<String> sent) {
		try {
			ValenceNode node = this.valence.getNode(nodeId, deadline);
			List<PowerPlan.Step> steps = PowerPlan.steps(target, node);
			if (steps.isEmpty()) {
				log.info("node {} is {}: no action sent for {}", nodeId, node.nodePowerState(), target);
			}
			for (PowerPlan.Step step : steps) {
				if (deadline.hasPassed()) {
					throw new PowerStateTimeoutException("the timeout of " + seconds(deadline) + " passed before Reset "
							+ step.reset() + " could be sent to node " + nodeId
							+ "; Valence last reported node_power_state " + node.nodePowerState());
				}
				this.shutdown.refuse("Reset " + step.reset() + " could be sent to node " + nodeId);
				log.info("node {}: Reset {} for {}, then waiting for {}", nodeId, step.reset(), target, step.awaited());
				sent.add(step.reset().toString());
				this.valence.reset(nodeId, step.reset(), deadline);
				node = awaitSettled(nodeId, this.poller.read(nodeId, deadline).node(), step.awaited(), deadline);
			}
			awaitSettled(nodeId, node, reached, deadline);
			return reached;
		}
		finally {
			// A failed change may have acted too.
			this.reader.changed(nodeId);
		}
	}

	private ValenceNode awaitSettled(String nodeId, ValenceNode first, PowerState awaited, Deadline deadline) {
		Settling settling = new Settling(nodeId, awaited);
		return this.poller.until(nodeId, NodePoller.Read.of(first), settling::reached, deadline,
				(node) -> new PowerStateTimeoutException("node " + nodeId + " did not reach '" + awaited
						+ "' within the timeout of " + seconds(deadline) + " (no time left for another read); "
						+ "Valence last reported node_power_state " + node.nodePowerState()));
	}

	private static String seconds(Deadline deadline) {
		return (deadline.budget().toMillis() / 1000.0) + " s";
	}

	/**
	 * The wait for one awaited state, and how it tells a reversal from a Valence that is
	 * slow to begin: the node is taken to have moved once it is seen in transition
	 * towards the awaited state (PoweringOn for power on, PoweringOff for power off);
	 * until then, the state it was in before the action says nothing, since Valence may
	 * not have begun the transition yet. Once it has moved, seeing it settled in the
	 * other state means another change reversed this one, and waiting longer is
	 * pointless; a transition away from the awaited state is waited out, since the node
	 * may still come back.
	 */
	private static final class Settling {

		private final String nodeId;

		private final PowerState awaited;

		private boolean moved;

		Settling(String nodeId, PowerState awaited) {
			this.nodeId = nodeId;
			this.awaited = awaited;
		}

		/**
		 * @throws PowerStateConflictException when the node settled in the other state
		 * after it had moved
		 */
		boolean reached(ValenceNode node) {
			PowerState settled = node.settledState();
			if (settled == this.awaited) {
				return true;
			}
			if (node.movingTo(this.awaited)) {
				this.moved = true;
			}
			else if (this.moved && settled != null) {
				throw new PowerStateConflictException("node " + this.nodeId + " settled in '" + settled
						+ "' (Valence reports node_power_state " + node.nodePowerState() + ") after it had begun "
						+ "moving to '" + this.awaited + "': another change reversed this one");
			}
			return false;
		}

	}

}
