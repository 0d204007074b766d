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
package org.openstack.valence.driver.health;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.valence.ValenceClient;
import org.openstack.valence.driver.valence.ValenceException;
import org.openstack.valence.driver.valence.ValenceVersion;

import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Health reports the last background probe of Valence, never one older than its bound.
 */
class ValenceHealthIndicatorTest {

	private final ValenceClient valence = mock(ValenceClient.class);

	private final ValenceHealthIndicator indicator = new ValenceHealthIndicator(this.valence,
			new HealthProperties(Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMillis(200)));

	@Test
	void downUntilTheFirstProbeHasEnded() {
		assertThat(this.indicator.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(this.indicator.health().getDetails()).containsEntry("error", "no probe of Valence has ended yet");
	}

	@Test
	void reportsTheLastProbe() {
		given(this.valence.probe(any())).willReturn(new ValenceVersion("v1.0"));

		this.indicator.probe();

		assertThat(this.indicator.health().getStatus()).isEqualTo(Status.UP);
		assertThat(this.indicator.health().getDetails()).containsEntry("version", "v1.0").containsKey("probed_ms_ago");
	}

	@Test
	void probeThatFailedIsDown() {
		given(this.valence.probe(any())).willThrow(new ValenceException.Timeout("no answer", null));

		this.indicator.probe();

		assertThat(this.indicator.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(this.indicator.health().getDetails()).containsEntry("failure", "timeout");
	}

	@Test
	void staleProbeIsDownWhateverItFound() throws InterruptedException {
		given(this.valence.probe(any())).willReturn(new ValenceVersion("v1.0"));
		this.indicator.probe();

		Thread.sleep(400);

		assertThat(this.indicator.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat((String) this.indicator.health().getDetails().get("error")).startsWith("stale:");
	}

}
