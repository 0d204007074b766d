package org.openstack.valence.emulator.node;

import java.time.Clock;
import java.time.Duration;

/**
 * The clock and the transition delay every node shares. States are computed from time
 * stamps when read rather than advanced by timer threads, so 10,000 nodes cost no
 * threads, and a test with a hand-moved clock sees exact phases.
 */
public record Timeline(Clock clock, Duration transitionDelay) {

	long now() {
		return this.clock.millis();
	}

	long delay() {
		return this.transitionDelay.toMillis();
	}

}
