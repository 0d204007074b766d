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

package org.openstack.valence.driver.valence;

import java.time.Duration;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openstack.valence.driver.deadline.Deadline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openstack.valence.driver.TestResources.read;

/**
 * A Valence whose server closes a kept-alive connection after it has been idle for
 * {@link #SERVER_IDLE_MS}, as every HTTP server and proxy does after its own keep-alive
 * timeout, and a client that comes back after a longer gap.
 */
class StaleConnectionTest {

	private static final String NODE = "4d8c3732-a248-40ed-bebc-539a6ffd25c0";

	private static final String NODE_PATH = "/v1/nodes/" + NODE;

	private static final String ACTION_PATH = NODE_PATH + "/action";

	private static final long SERVER_IDLE_MS = 400;

	private static final Duration GAP = Duration.ofMillis(1500);

	/**
	 * Longer than the server's, as a keep-alive set without looking at the server would
	 * be.
	 */
	private static final Duration LONG_KEEP_ALIVE = Duration.ofMinutes(5);

	@RegisterExtension
	static WireMockExtension valence = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().jettyIdleTimeout(SERVER_IDLE_MS))
		.build();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private OkHttpClient http;

	private OkHttpValenceClient client(Duration keepAlive) {
		ValenceProperties properties = OkHttpValenceClientTest.properties(valence.baseUrl(), null, null,
				Duration.ofSeconds(2), keepAlive);
		this.http = ValenceHttpClientFactory.build(properties, null, this.meters);
		return new OkHttpValenceClient(this.http, properties, this.meters);
	}

	private static Deadline soon() {
		return Deadline.after(Duration.ofSeconds(10));
	}

	private static void gap() throws InterruptedException {
		Thread.sleep(GAP.toMillis());
	}

	private double staleRetries(String operation) {
		return this.meters.counter("valence.upstream.stale_connections", "operation", operation).count();
	}

	@Test
	void readAndActionSucceedOnANewConnectionAfterTheServerClosedTheIdleOne() throws Exception {
		valence.stubFor(get(NODE_PATH).willReturn(okJson(read("valence/node-detail.json"))));
		valence.stubFor(post(ACTION_PATH).willReturn(aResponse().withStatus(204)));
		OkHttpValenceClient client = client(LONG_KEEP_ALIVE);
		client.getNode(NODE, soon());

		gap();
		assertThat(client.getNode(NODE, soon()).uuid()).isEqualTo(NODE);
		gap();
		client.reset(NODE, ResetType.ON, soon());

		assertThat(staleRetries("get_node")).as("the read met the closed connection").isEqualTo(1);
		assertThat(staleRetries("reset")).as("the action met the closed connection").isEqualTo(1);
		valence.verify(2, getRequestedFor(urlPathEqualTo(NODE_PATH)));
		valence.verify(1, postRequestedFor(urlPathEqualTo(ACTION_PATH)));
	}

	@Test
	void actionThatFailsOnTheNewConnectionIsNotSentAThirdTime() throws Exception {
		valence.stubFor(post(ACTION_PATH).inScenario("crash")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(204))
			.willSetStateTo("crashing"));
		valence.stubFor(post(ACTION_PATH).inScenario("crash")
			.whenScenarioStateIs("crashing")
			.willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
		OkHttpValenceClient client = client(LONG_KEEP_ALIVE);
		client.reset(NODE, ResetType.ON, soon());

		gap();
		assertThatThrownBy(() -> client.reset(NODE, ResetType.FORCE_OFF, soon()))
			.isInstanceOf(ValenceException.Unreachable.class);

		assertThat(staleRetries("reset")).isEqualTo(1);
		valence.verify(2, postRequestedFor(urlPathEqualTo(ACTION_PATH)));
	}

	@Test
	void poolRetiresIdleConnectionsBeforeTheServerCloses() throws Exception {
		valence.stubFor(get(NODE_PATH).willReturn(okJson(read("valence/node-detail.json"))));
		OkHttpValenceClient client = client(Duration.ofMillis(SERVER_IDLE_MS / 4));
		client.getNode(NODE, soon());

		gap();
		assertThat(this.http.connectionPool().connectionCount()).as("connections left in the pool").isZero();
		client.getNode(NODE, soon());

		assertThat(staleRetries("get_node")).isZero();
		valence.verify(2, getRequestedFor(urlPathEqualTo(NODE_PATH)));
	}

}
