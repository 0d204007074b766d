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

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Reads a node for the API's read endpoints. Concurrent reads of one node share a single
 * Valence call (single flight), so a burst of Ironic status polls costs Valence one
 * request. Power changes poll Valence directly instead, since a read that started before
 * their action would be stale; and once a change has ended, the read in flight (begun
 * before it) is no longer offered for joining.
 */
@Component
public class NodeReader {

	private static final Logger log = LoggerFactory.getLogger(NodeReader.class);

	private final ValenceClient valence;

	private final ConcurrentMap<String, Flight> inFlight = new ConcurrentHashMap<>();

	public NodeReader(ValenceClient valence) {
		this.valence = valence;
	}

	/**
	 * A Valence read of one node, bounded by the deadline of the request that began it.
	 */
	private record Flight(Deadline deadline, CompletableFuture<ValenceNode> answer) {
	}

	/**
	 * Joins the read of the node in flight when that read's deadline comes no later than
	 * this one's (so the wait keeps this request's deadline too), else asks Valence.
	 * @throws org.openstack.valence.driver.valence.ValenceException as
	 * {@link ValenceClient#getNode} does
	 */
	public ValenceNode read(String nodeId, Deadline deadline) {
		Flight mine = new Flight(deadline, new CompletableFuture<>());
		Flight running = this.inFlight.putIfAbsent(nodeId, mine);
		if (running != null) {
			if (running.deadline().endsBy(deadline)) {
				log.debug("joining the read of node {} already in flight", nodeId);
				return join(running);
			}
			return this.valence.getNode(nodeId, deadline);
		}
		try {
			ValenceNode node = this.valence.getNode(nodeId, deadline);
			mine.answer().complete(node);
			return node;
		}
		catch (RuntimeException | Error ex) {
			mine.answer().completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.inFlight.remove(nodeId, mine);
		}
	}

	/**
	 * Called when a change of the node (power, boot device) has ended, before its caller
	 * is answered: a read begun after that answer then never joins a Valence read begun
	 * before the change, and so never reports a state older than it. Callers already
	 * waiting on that read keep it: they asked before the change ended.
	 */
	public void changed(String nodeId) {
		this.inFlight.remove(nodeId);
	}

	private static ValenceNode join(Flight running) {
		try {
			return running.answer().join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

}
