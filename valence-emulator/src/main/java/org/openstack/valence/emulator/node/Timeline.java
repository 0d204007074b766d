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
