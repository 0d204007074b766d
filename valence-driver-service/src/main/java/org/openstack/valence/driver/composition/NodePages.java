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

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.openstack.valence.driver.composition.CompositionJson.ComposedNodeView;
import org.openstack.valence.driver.composition.CompositionJson.NodePage;
import org.openstack.valence.driver.protocol.Protocol;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceNode;
import org.openstack.valence.driver.valence.ValenceNodeSummary;
import org.openstack.valence.driver.web.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * The node list, a page at a time. Valence's own list carries neither the composition
 * state nor the power state of a node, so each node of a page is read; the reads of all
 * list requests share one pool of {@code driver.node-list.parallelism} threads, so that a
 * listing never sends Valence more reads at once than that. The pages after the first
 * reuse the list of Valence's nodes a page took, for
 * {@code driver.node-list.snapshot-max-age}: the list of 10,000 nodes is 2.8 MB, and a
 * listing of them takes 10 pages. A page is whole or an error: a read not done by the
 * request's deadline fails the page, and the reads still queued are dropped unsent.
 */
@Component
public class NodePages implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(NodePages.class);

	private final ValenceClient valence;

	private final ThreadPoolTaskExecutor pool;

	/** Valence's list as a page took it, and when, on the monotonic clock. */
	private record Snapshot(List<ValenceNodeSummary> nodes, long takenAt) {
	}

	private final Duration snapshotMaxAge;

	private volatile Snapshot snapshot;

	public NodePages(ValenceClient valence, NodeListProperties properties) {
		this.valence = valence;
		this.snapshotMaxAge = properties.snapshotMaxAge();
		this.pool = RequestIds.pool("node-list-", properties.parallelism());
	}

	/**
	 * The composed nodes whose id comes after {@code marker} (all when null), in the
	 * order of their ids, at most {@code limit} of them, each read from Valence by the
	 * deadline. A node deleted between Valence's list and its read is left out.
	 * @throws ValenceException of Valence's list, or of a node read that failed
	 * @throws CompositionException VALENCE_TIMEOUT when a node of the page was not read
	 * by the deadline
	 * @throws IllegalStateException when the thread is interrupted while waiting
	 */
	NodePage page(String marker, int limit, Deadline deadline) {
		List<ValenceNodeSummary> all = nodes(marker != null, deadline);
		List<ValenceNodeSummary> after = (marker == null) ? all
				: all.stream().filter((node) -> node.uuid().compareTo(marker) > 0).toList();
		List<ValenceNodeSummary> page = after.subList(0, Math.min(limit, after.size()));
		String next = (after.size() > page.size()) ? page.get(page.size() - 1).uuid() : null;
		return new NodePage(read(page, deadline), next);
	}

	/**
	 * Valence's list, in the order of node id: asked for by a first page, and by a later
	 * page when the list a page last took is older than the snapshot's max age. Valence
	 * cannot page, so each of its lists holds the whole pod.
	 */
	private List<ValenceNodeSummary> nodes(boolean laterPage, Deadline deadline) {
		Snapshot last = this.snapshot;
		if (laterPage && last != null && System.nanoTime() - last.takenAt() < this.snapshotMaxAge.toNanos()) {
			return last.nodes();
		}
		List<ValenceNodeSummary> nodes = this.valence.listNodes(deadline)
			.stream()
			.filter((node) -> node.uuid() != null)
			.sorted(Comparator.comparing(ValenceNodeSummary::uuid))
			.toList();
		this.snapshot = new Snapshot(nodes, System.nanoTime());
		return nodes;
	}

	private List<ComposedNodeView> read(List<ValenceNodeSummary> page, Deadline deadline) {
		List<Future<ValenceNode>> reads = new ArrayList<>(page.size());
		try {
			for (ValenceNodeSummary node : page) {
				reads.add(this.pool.submit(() -> this.valence.getNode(node.uuid(), deadline)));
			}
			List<ComposedNodeView> nodes = new ArrayList<>(page.size());
			for (int i = 0; i < reads.size(); i++) {
				ValenceNode node = outcome(page.get(i).uuid(), reads.get(i), page.size(), deadline);
				if (node != null) {
					nodes.add(ComposedNodeView.of(node));
				}
			}
			return nodes;
		}
		finally {
			reads.forEach((read) -> read.cancel(false));
		}
	}

	/** The node read, or null for a node deleted since Valence listed it. */
	private static ValenceNode outcome(String nodeId, Future<ValenceNode> read, int size, Deadline deadline) {
		try {
			return read.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw CompositionException.listTimedOut("the " + size
					+ " composed nodes of the page were not all read from Valence within the request's time budget of "
					+ (deadline.budget().toMillis() / 1000.0) + " s; ask for fewer with the " + Protocol.NODE_LIST_LIMIT
					+ " parameter");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof ValenceException.NodeNotFound) {
				log.info("node {} was deleted while the nodes were listed", nodeId);
				return null;
			}
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw new IllegalStateException("the read of node " + nodeId + " failed", ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for node reads", ex);
		}
	}

	@Override
	public void destroy() {
		this.pool.shutdown();
	}

}
