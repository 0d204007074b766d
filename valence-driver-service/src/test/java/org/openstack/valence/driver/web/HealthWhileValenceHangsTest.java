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

import java.io.IOException;
import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.openstack.valence.driver.TestResources.read;

/**
 * Readiness answers at once whatever Valence does: while Valence hangs it turns DOWN once
 * a probe has failed, and UP again once Valence answers, each answer far within a
 * prober's 1 s timeout (asserted with room for a loaded machine).
 */
class HealthWhileValenceHangsTest {

	private static final Duration PROMPT = Duration.ofSeconds(2);

	private final WireMockServer valence = new WireMockServer(wireMockConfig().dynamicPort());

	private ConfigurableApplicationContext service;

	private int port;

	@BeforeEach
	void start() {
		this.valence.start();
		this.service = RunningService.start(this.valence, "--driver.health.probe-interval=100ms",
				"--driver.health.probe-timeout=300ms", "--valence.read-timeout=30s", "--valence.call-timeout=30s");
		this.port = RunningService.port(this.service);
	}

	@AfterEach
	void stop() {
		this.service.close();
		this.valence.stop();
	}

	@Test
	void readinessFollowsValenceWithoutWaitingForIt() throws IOException, InterruptedException {
		// The first request of a new server is slower than any other.
		RawHttp.exchange(this.port, RawHttp.request("GET /actuator/health/readiness HTTP/1.1"));
		this.valence.stubFor(WireMock.get("/").willReturn(okJson(read("valence/root.json")).withFixedDelay(5_000)));
		assertThat(readinessUntil(503)).contains("\"status\":\"DOWN\"");

		this.valence.stubFor(WireMock.get("/").willReturn(okJson(read("valence/root.json"))));
		assertThat(readinessUntil(200)).contains("\"status\":\"UP\"");
	}

	/**
	 * Reads readiness until it answers {@code status}, each answer within
	 * {@link #PROMPT}.
	 */
	private String readinessUntil(int status) throws IOException, InterruptedException {
		for (int i = 0; i < 50; i++) {
			long start = System.nanoTime();
			RawHttp.Answer answer = RawHttp.exchange(this.port,
					RawHttp.request("GET /actuator/health/readiness HTTP/1.1"));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("readiness answered in").isLessThan(PROMPT);
			if (answer.status() == status) {
				return answer.text();
			}
			Thread.sleep(100);
		}
		throw new AssertionError("readiness never answered " + status);
	}

}
