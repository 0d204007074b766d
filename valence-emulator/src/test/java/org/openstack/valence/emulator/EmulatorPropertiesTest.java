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

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EmulatorPropertiesTest {

	@Test
	void rejectsANegativeNodeCount() {
		assertThatIllegalArgumentException().isThrownBy(() -> new EmulatorProperties(-1, 1, Duration.ZERO, 0))
			.withMessageContaining("emulator.node-count");
	}

	@Test
	void rejectsMoreNodesThanTheBound() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new EmulatorProperties(EmulatorProperties.MAX_NODES + 1, 1, Duration.ZERO, 0))
			.withMessageContaining("emulator.node-count");
	}

	@Test
	void rejectsANegativeTransitionDelay() {
		assertThatIllegalArgumentException().isThrownBy(() -> new EmulatorProperties(4, 1, Duration.ofSeconds(-1), 0))
			.withMessageContaining("emulator.transition-delay");
	}

	@Test
	void rejectsANegativeUnmanagedCount() {
		assertThatIllegalArgumentException().isThrownBy(() -> new EmulatorProperties(4, 1, Duration.ZERO, -2))
			.withMessageContaining("emulator.unmanaged-count");
	}

}
