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
package org.openstack.valence.driver.web;

import java.time.Duration;

import org.openstack.valence.driver.shutdown.Shutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;

/**
 * The API requests being served, and the first step of the service's shutdown: when the
 * context begins to close (readiness already refusing traffic), before the web server
 * stops taking connections, it begins the {@link Shutdown} (new API requests are refused,
 * the requests in flight stop waiting and send nothing more) and waits until every
 * request in flight has been answered, at most the shutdown phase's timeout. While it
 * waits, the server still answers, so readiness can be read and a late request gets a 503
 * rather than a refused connection. Not a lifecycle stop: a context is also stopped
 * without closing (a cached test context while another is used), and the shutdown cannot
 * be undone.
 */
@Component
class InFlightRequests implements ApplicationListener<ContextClosedEvent> {

	private static final Logger log = LoggerFactory.getLogger(InFlightRequests.class);

	private final Shutdown shutdown;

	private final Duration drainTimeout;

	private final Object lock = new Object();

	private int count;

	InFlightRequests(Shutdown shutdown,
			@Value("${spring.lifecycle.timeout-per-shutdown-phase:30s}") Duration drainTimeout) {
		this.shutdown = shutdown;
		this.drainTimeout = drainTimeout;
	}

	/**
	 * @return false once the shutdown has begun: the request must be refused
	 */
	boolean enter() {
		synchronized (this.lock) {
			if (this.shutdown.hasBegun()) {
				return false;
			}
			this.count++;
			return true;
		}
	}

	void leave() {
		synchronized (this.lock) {
			this.count--;
			if (this.count == 0) {
				this.lock.notifyAll();
			}
		}
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		long start = System.nanoTime();
		long end = start + this.drainTimeout.toNanos();
		synchronized (this.lock) {
			this.shutdown.begin();
			log.info("shutting down: API requests in flight: {}; new ones are answered 503 SERVICE_UNAVAILABLE",
					this.count);
			try {
				while (this.count > 0 && end - System.nanoTime() > 0) {
					this.lock.wait(Math.max(1, (end - System.nanoTime()) / 1_000_000));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (this.count > 0) {
				log.warn("shutting down with API requests still in flight after {}: {}", this.drainTimeout, this.count);
			}
			else {
				log.info("every API request in flight was answered within {} ms",
						(System.nanoTime() - start) / 1_000_000);
			}
		}
	}

}
