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

package org.openstack.valence.emulator;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The emulator's settings, checked when the application starts so a typo fails fast
 * instead of producing a half-seeded inventory.
 *
 * @param nodeCount composed nodes seeded at start-up (Assembled, power Off, boot source
 * Hdd)
 * @param seed seed for node uuids and hardware metadata
 * @param transitionDelay time a node spends in each transient state (PoweringOn,
 * PoweringOff, Allocating, Allocated, Assembling); zero makes every transition immediate
 * @param unmanagedCount PODM composed nodes that exist but are not yet managed by
 * Valence, so {@code POST /v1/nodes/manage} has something to adopt
 */
@ConfigurationProperties("emulator")
public record EmulatorProperties(@DefaultValue("4") int nodeCount, @DefaultValue("1") long seed,
		@DefaultValue("1s") Duration transitionDelay, @DefaultValue("2") int unmanagedCount) {

	/** Upper bound that keeps start-up and the bare-array list of nodes reasonable. */
	public static final int MAX_NODES = 100_000;

	public EmulatorProperties {
		if (nodeCount < 0 || nodeCount > MAX_NODES) {
			throw new IllegalArgumentException(
					"emulator.node-count must be between 0 and " + MAX_NODES + ", was " + nodeCount);
		}
		if (unmanagedCount < 0 || unmanagedCount > MAX_NODES) {
			throw new IllegalArgumentException(
					"emulator.unmanaged-count must be between 0 and " + MAX_NODES + ", was " + unmanagedCount);
		}
		if (transitionDelay.isNegative() || transitionDelay.compareTo(Duration.ofHours(1)) > 0) {
			throw new IllegalArgumentException(
					"emulator.transition-delay must be between 0 and 1h, was " + transitionDelay);
		}
	}

}
