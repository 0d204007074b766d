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
import java.util.function.Function;
import java.util.function.Predicate;

import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.shutdown.Shutdown;
import org.openstack.valence.driver.shutdown.ShutdownException;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceNode;

/**
 * Reads a node until a condition holds, within a request's deadline: Valence accepts an
 * action or a composition before it is carried out. A poll is only begun when its answer
 * can come before the deadline (judged by the last read's time), so that a node still on
 * its way is reported as such rather than as a Valence read cut short. The wait ends at
 * once when the service begins to shut down.
 */
public final class NodePoller {

	private final ValenceClient valence;

	private final Duration interval;

	private final Shutdown shutdown;

	/**
	 * @param interval the pause between two reads
	 */
	public NodePoller(ValenceClient valence, Duration interval, Shutdown shutdown) {
		this.valence = valence;
		this.interval = interval;
		this.shutdown = shutdown;
	}

	/**
	 * A node as read, and how long the read took.
	 */
	public record Read(ValenceNode node, Duration took) {

		/** A node read before, whose read time is not to count. */
		public static Read of(ValenceNode node) {
			return new Read(node, Duration.ZERO);
		}

	}

	/**
	 * Reads the node once, timed.
	 * @throws ShutdownException when the service has begun to shut down: a request in
	 * flight is then answered with what it did, not held up by another Valence call
	 */
	public Read read(String nodeId, Deadline deadline) {
		if (this.shutdown.hasBegun()) {
			throw new ShutdownException("the service began shutting down before node " + nodeId + " was read again");
		}
		long start = System.nanoTime();
		ValenceNode node = this.valence.getNode(nodeId, deadline);
		return new Read(node, Duration.ofNanos(System.nanoTime() - start));
	}

	/**
	 * @param first the last read of the node, checked before any other
	 * @param done true for the node sought; it may throw to end the wait for good
	 * @param outOfTime the failure to throw, given the last node read, when no time is
	 * left for another read
	 * @return the first node read for which {@code done} holds
	 * @throws ValenceException when a read fails, but for a poll cut short by the
	 * deadline, which is {@code outOfTime}
	 * @throws ShutdownException when the service begins to shut down during the wait
	 */
	public ValenceNode until(String nodeId, Read first, Predicate<ValenceNode> done, Deadline deadline,
			Function<ValenceNode, ? extends RuntimeException> outOfTime) {
		Read last = first;
		while (!done.test(last.node())) {
			if (!deadline.affords(this.interval.plus(last.took()))) {
				throw outOfTime.apply(last.node());
			}
			if (this.shutdown.await(deadline.cap(this.interval))) {
				throw new ShutdownException("the service began shutting down while waiting for node " + nodeId);
			}
			try {
				last = read(nodeId, deadline);
			}
			catch (ValenceException.Timeout ex) {
				// A poll slower than the last one ran into the deadline: the wait is what
				// ran out, and the node was last seen still on its way.
				if (deadline.hasPassed()) {
					throw outOfTime.apply(last.node());
				}
				throw ex;
			}
		}
		return last.node();
	}

}
