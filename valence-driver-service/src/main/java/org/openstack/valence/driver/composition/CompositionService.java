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

package org.openstack.valence.driver.composition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.openstack.valence.driver.composition.CompositionJson.ComposedNodeView;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.error.ProblemDocuments;
import org.openstack.valence.driver.node.NodePoller;
import org.openstack.valence.driver.protocol.Protocol;
import org.openstack.valence.driver.shutdown.Shutdown;
import org.openstack.valence.driver.shutdown.ShutdownException;
import org.openstack.valence.driver.valence.Composition;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceFlavor;
import org.openstack.valence.driver.valence.ValenceNode;
import org.openstack.valence.driver.valence.ValenceNodeSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

/**
 * Composes nodes and waits until they are Assembled, and decomposes them. The deadline of
 * the request bounds every Valence call and wait; once a node has been composed, every
 * failure names it, so that nothing is left behind unreported.
 */
@Service
public class CompositionService {

	/** The problem document member naming the node composed before a failure. */
	static final String NODE_ID = "node_id";

	/** The composition (POST /v1/nodes) as a failure's actions_sent lists it. */
	static final String COMPOSE = "compose";

	/**
	 * The decomposition (DELETE /v1/nodes/{uuid}) as a failure's actions_sent lists it.
	 */
	static final String DELETE = "delete";

	private static final String ASSEMBLED = "Assembled";

	private static final Logger log = LoggerFactory.getLogger(CompositionService.class);

	private final ValenceClient valence;

	private final NodePoller poller;

	private final Shutdown shutdown;

	/** Names being composed now: Valence itself would compose two nodes of one name. */
	private final Set<String> composing = ConcurrentHashMap.newKeySet();

	public CompositionService(ValenceClient valence, CompositionProperties properties, Shutdown shutdown) {
		this.valence = valence;
		this.poller = new NodePoller(valence, properties.pollInterval(), shutdown);
		this.shutdown = shutdown;
	}

	/**
	 * The flavor with this uuid, else the one with this name.
	 * @throws CompositionException FLAVOR_NOT_FOUND when none has, or when two flavors
	 * share the name
	 * @throws ErrorResponseException with an empty
	 * {@value ProblemDocuments#ACTIONS_SENT}: the {@link ValenceException} of a flavor
	 * list that failed, before anything was composed
	 */
	public ValenceFlavor flavor(String uuidOrName, Deadline deadline) {
		List<ValenceFlavor> flavors;
		try {
			flavors = this.valence.listFlavors(deadline);
		}
		catch (ValenceException ex) {
			throw failure(ex, List.of(), null);
		}
		for (ValenceFlavor flavor : flavors) {
			if (uuidOrName.equals(flavor.uuid())) {
				return flavor;
			}
		}
		List<ValenceFlavor> named = flavors.stream().filter((flavor) -> uuidOrName.equals(flavor.name())).toList();
		if (named.size() == 1) {
			return named.get(0);
		}
		throw CompositionException
			.flavorNotFound(named.isEmpty() ? "Valence has no flavor with the uuid or name '" + uuidOrName + "'"
					: named.size() + " Valence flavors are named '" + uuidOrName + "'; give the uuid");
	}

	/**
	 * Composes the node and waits until Valence reports it Assembled. Every failure
	 * carries the {@value ProblemDocuments#ACTIONS_SENT} member: {@value #COMPOSE} once
	 * the composition was sent, else nothing.
	 * @throws ErrorResponseException with a CompositionException NAME_IN_USE when a
	 * composed node has the name (its {@value #NODE_ID}) or one of that name is being
	 * composed now, COMPOSITION_FAILED when Valence refuses the composition (before any
	 * node exists), or the {@link ValenceException} of a call that failed before the
	 * composition was accepted (a timeout of the compose call itself may leave a node
	 * behind: its name tells it); once the node exists, with its {@value #NODE_ID} too: a
	 * COMPOSITION_FAILED when it ends Failed, a COMPOSITION_TIMEOUT when it is not
	 * Assembled by the deadline (or when the service began shutting down), or the
	 * {@link ValenceException} of a read that failed
	 * @throws ShutdownException when the service began shutting down before asking
	 * Valence to compose: nothing was sent
	 */
	public ValenceNode compose(Composition composition, Deadline deadline) {
		String name = composition.name();
		List<String> sent = new ArrayList<>();
		if (!this.composing.add(name)) {
			throw failure(CompositionException.nameInUse("a node named '" + name + "' is being composed now"), sent,
					null);
		}
		try {
			refuseUsedName(name, deadline);
			ValenceNodeSummary created;
			this.shutdown.refuse("Valence was asked to compose '" + name + "'");
			try {
				sent.add(COMPOSE);
				created = this.valence.compose(composition, deadline);
			}
			catch (ValenceException.Rejected ex) {
				throw CompositionException.failed("Valence refused to compose '" + name + "': " + ex.getMessage(), ex);
			}
			log.info("Valence composed node {} named '{}'; waiting until it is {}", created.uuid(), name, ASSEMBLED);
			try {
				return awaitAssembled(created.uuid(), deadline);
			}
			catch (ValenceException | CompositionException ex) {
				throw failure(ex, sent, created.uuid());
			}
			catch (ShutdownException ex) {
				throw failure(CompositionException.timedOut("node " + created.uuid() + " was not " + ASSEMBLED
						+ " yet: " + ex.getMessage() + "; it exists in Valence"), sent, created.uuid());
			}
		}
		catch (ValenceException | CompositionException ex) {
			throw failure(ex, sent, null);
		}
		finally {
			this.composing.remove(name);
		}
	}

	/**
	 * Disassembles the node in Valence.
	 * @throws ErrorResponseException with the {@value ProblemDocuments#ACTIONS_SENT}
	 * member ({@value #DELETE}): the {@link ValenceException} NodeNotFound for an unknown
	 * node, or of the failed call
	 */
	public void decompose(String nodeId, Deadline deadline) {
		try {
			this.valence.deleteNode(nodeId, deadline);
		}
		catch (ValenceException ex) {
			throw failure(ex, List.of(DELETE), null);
		}
		log.info("node {} decomposed", nodeId);
	}

	private static ErrorResponseException failure(RuntimeException ex, List<String> sent, String nodeId) {
		Map<String, Object> members = new HashMap<>();
		members.put(ProblemDocuments.ACTIONS_SENT, List.copyOf(sent));
		if (nodeId != null) {
			members.put(NODE_ID, nodeId);
		}
		return ProblemDocuments.withMembers(ex, members);
	}

	private void refuseUsedName(String name, Deadline deadline) {
		for (ValenceNodeSummary node : this.valence.listNodes(deadline)) {
			if (name.equals(node.name())) {
				throw failure(CompositionException.nameInUse("Valence already has a node named '" + name + "'"),
						List.of(), node.uuid());
			}
		}
	}

	private ValenceNode awaitAssembled(String nodeId, Deadline deadline) {
		return this.poller.until(nodeId, this.poller.read(nodeId, deadline), (node) -> {
			if (Protocol.COMPOSITION_STATE_FAILED.equals(node.nodeState())) {
				throw CompositionException.failed("node " + nodeId + " ended " + Protocol.COMPOSITION_STATE_FAILED
						+ " at the pod manager; it still exists in Valence until it is deleted", null);
			}
			return ASSEMBLED.equals(node.nodeState());
		}, deadline,
				(node) -> CompositionException.timedOut("node " + nodeId + " was not " + ASSEMBLED
						+ " within the timeout of " + (deadline.budget().toMillis() / 1000.0)
						+ " s; Valence last reported node_state " + node.nodeState()));
	}

}
