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

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.error.ErrorCode;

import org.springframework.stereotype.Component;

/**
 * One fair lock per node, under which this replica changes the node's power or boot
 * device: a change reads the node, decides and acts only once the change before it has
 * ended with its answer decided, so that no answer claims a state that a later action of
 * this replica has already reversed (the later change begins with a read of the node, so
 * its first action follows that answer by a round trip to Valence at least). Changes of
 * other nodes never wait. A node's lock exists only while a change holds it or waits for
 * it, so the map holds no more entries than there are changes in progress.
 */
@Component
public class NodeLocks {

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	/**
	 * A node's lock and the number of changes holding or awaiting it; that number is only
	 * read and written inside the map's atomic compute of the node's key.
	 */
	private static final class Entry {

		private final ReentrantLock lock = new ReentrantLock(true);

		private int users;

	}

	/**
	 * Runs {@code change} holding the node's lock, after the changes of the node that
	 * came before it (first come, first served).
	 * @param timeoutCode the code of the change's kind for a deadline that passed
	 * @return what {@code change} returns
	 * @throws QueuedTooLongException with {@code timeoutCode}, nothing having been sent,
	 * when the deadline passes before the lock is free (or just as it became free)
	 * @throws IllegalStateException when the thread is interrupted while it waits (its
	 * interrupt flag is set again)
	 */
	<T> T run(String nodeId, Deadline deadline, ErrorCode timeoutCode, Supplier<T> change) {
		Entry entry = this.entries.compute(nodeId, (id, existing) -> {
			Entry used = (existing != null) ? existing : new Entry();
			used.users++;
			return used;
		});
		try {
			if (!entry.lock.tryLock(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
				throw queuedTooLong(nodeId, deadline, timeoutCode);
			}
			try {
				if (deadline.hasPassed()) {
					throw queuedTooLong(nodeId, deadline, timeoutCode);
				}
				return change.get();
			}
			finally {
				entry.lock.unlock();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for an earlier change of node " + nodeId, ex);
		}
		finally {
			this.entries.computeIfPresent(nodeId, (id, used) -> (--used.users == 0) ? null : used);
		}
	}

	private static QueuedTooLongException queuedTooLong(String nodeId, Deadline deadline, ErrorCode code) {
		return new QueuedTooLongException(code,
				"the deadline of " + (deadline.budget().toMillis() / 1000.0) + " s passed while an earlier power or "
						+ "boot device change of node " + nodeId
						+ " through this service was under way; nothing was sent to Valence");
	}

	/** The nodes whose lock is held or awaited now. */
	int size() {
		return this.entries.size();
	}

}
