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
package org.openstack.valence.driver.shutdown;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

/**
 * Whether the service has begun to shut down. From then on no request sends Valence a new
 * action, and every wait for a node ends at once, so that each request in flight is
 * answered with what it did before the server stops.
 */
@Component
public class Shutdown {

	private final CountDownLatch begun = new CountDownLatch(1);

	/** Marks the shutdown as begun and wakes every wait; it cannot be undone. */
	public void begin() {
		this.begun.countDown();
	}

	public boolean hasBegun() {
		return this.begun.getCount() == 0;
	}

	/**
	 * Waits for {@code time}, or less when the shutdown begins first.
	 * @return true when the shutdown has begun
	 * @throws IllegalStateException when the thread is interrupted (its interrupt flag is
	 * set again)
	 */
	public boolean await(Duration time) {
		try {
			return this.begun.await(time.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting", ex);
		}
	}

	/**
	 * @param next what the caller is about to do, for the message
	 * @throws ShutdownException when the shutdown has begun
	 */
	public void refuse(String next) {
		if (hasBegun()) {
			throw new ShutdownException("the service began shutting down before " + next);
		}
	}

}
