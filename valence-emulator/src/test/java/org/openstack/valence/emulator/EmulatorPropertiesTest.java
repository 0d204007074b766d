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
