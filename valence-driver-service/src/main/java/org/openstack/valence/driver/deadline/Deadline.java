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

package org.openstack.valence.driver.deadline;

import java.time.Duration;

/**
 * The moment by which the service owes its caller an answer: every Valence call, retry
 * and wait made for a request is cut to the time its deadline leaves. Measured on the
 * monotonic clock, so a change of the wall clock moves nothing.
 */
public final class Deadline {

	private final Duration budget;

	private final long expiresAt;

	private Deadline(Duration budget) {
		this.budget = budget;
		this.expiresAt = System.nanoTime() + budget.toNanos();
	}

	/** A deadline {@code budget} from now. */
	public static Deadline after(Duration budget) {
		return new Deadline(budget);
	}

	/** The time this deadline gave when it was set, for messages. */
	public Duration budget() {
		return this.budget;
	}

	/** The time left; zero once the deadline has passed. */
	public Duration remaining() {
		return Duration.ofNanos(Math.max(0, this.expiresAt - System.nanoTime()));
	}

	public boolean hasPassed() {
		return this.expiresAt - System.nanoTime() <= 0;
	}

	/** True when {@code time} from now still ends before the deadline. */
	public boolean affords(Duration time) {
		return remaining().compareTo(time) > 0;
	}

	/** {@code limit}, or the time left when that is shorter. */
	public Duration cap(Duration limit) {
		Duration remaining = remaining();
		return (remaining.compareTo(limit) < 0) ? remaining : limit;
	}

	/** True when this deadline comes no later than {@code other}. */
	public boolean endsBy(Deadline other) {
		return this.expiresAt - other.expiresAt <= 0;
	}

	@Override
	public String toString() {
		return "Deadline[budget=" + this.budget + ", remaining=" + remaining() + "]";
	}

}
