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

package org.openstack.valence.driver.health;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Readiness follows Valence: the service is of no use while Valence cannot be reached,
 * but it is alive, so liveness does not include this. Valence is probed in the
 * background, every driver.health.probe-interval with its own short timeout, and health
 * answers with the last result at once: a probe that asks Valence while health waits
 * would make health as slow as Valence, longer than a prober waits. A result older than
 * driver.health.max-age (the probes stopped) is reported DOWN as stale.
 */
@Component
public class ValenceHealthIndicator implements HealthIndicator, SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ValenceHealthIndicator.class);

	private final ValenceClient valence;

	private final HealthProperties properties;

	private volatile Probe last;

	private volatile ScheduledExecutorService scheduler;

	ValenceHealthIndicator(ValenceClient valence, HealthProperties properties) {
		this.valence = valence;
		this.properties = properties;
	}

	private record Probe(Health health, long endedAt) {

		Duration age() {
			return Duration.ofNanos(System.nanoTime() - this.endedAt);
		}

	}

	@Override
	public Health health() {
		Probe probe = this.last;
		if (probe == null) {
			return Health.down().withDetail("error", "no probe of Valence has ended yet").build();
		}
		Duration age = probe.age();
		if (age.compareTo(this.properties.maxAge()) > 0) {
			return Health.down()
				.withDetail("error",
						"stale: the last probe of Valence ended " + age.toMillis() + " ms ago, more than "
								+ "driver.health.max-age (" + this.properties.maxAge() + ")")
				.build();
		}
		return Health.status(probe.health().getStatus())
			.withDetails(probe.health().getDetails())
			.withDetail("probed_ms_ago", age.toMillis())
			.build();
	}

	/**
	 * Probes Valence once, now, and keeps the result for health. One probe at a time, so
	 * that a result never replaces a newer one.
	 */
	public synchronized void probe() {
		Health health;
		try {
			ValenceVersion version = this.valence.probe(Deadline.after(this.properties.probeTimeout()));
			health = Health.up().withDetail("version", String.valueOf(version.id())).build();
		}
		catch (ValenceException ex) {
			health = Health.down()
				.withDetail("failure", ex.failure().outcome())
				.withDetail("error", ex.getMessage())
				.build();
		}
		catch (RuntimeException ex) {
			// Kept from the scheduler, which would stop probing for good.
			log.error("probing Valence failed unexpectedly", ex);
			health = Health.down().withDetail("error", "the probe failed unexpectedly; see the log").build();
		}
		this.last = new Probe(health, System.nanoTime());
	}

	@Override
	public void start() {
		ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "valence-probe");
			thread.setDaemon(true);
			return thread;
		});
		started.scheduleWithFixedDelay(this::probe, 0, this.properties.probeInterval().toNanos(), TimeUnit.NANOSECONDS);
		this.scheduler = started;
	}

	@Override
	public void stop() {
		ScheduledExecutorService stopped = this.scheduler;
		this.scheduler = null;
		if (stopped != null) {
			stopped.shutdownNow();
			awaitProbeEnd(stopped);
		}
	}

	/** A probe in flight ends within its timeout; once stopped, none reaches Valence. */
	private void awaitProbeEnd(ScheduledExecutorService stopped) {
		try {
			stopped.awaitTermination(this.properties.probeTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
