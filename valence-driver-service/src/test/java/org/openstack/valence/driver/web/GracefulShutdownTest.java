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
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.ServiceTest;

import org.springframework.context.ConfigurableApplicationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openstack.valence.driver.TestResources.read;

/**
 * The service shut down (its context closed, as SIGTERM does) while a reboot waits on a
 * slow Valence: the reboot is answered with what it sent, readiness is DOWN and a new API
 * request is refused with 503 while the server still answers, and the service then stops.
 */
class GracefulShutdownTest {

	private static final String NODE = "4d8c3732-a248-40ed-bebc-539a6ffd25c0";

	private static final String VALENCE_NODE = "/v1/nodes/" + NODE;

	/** How long Valence takes to accept the reboot's ForceOff. */
	private static final Duration SLOW_ACTION = Duration.ofSeconds(3);

	private final WireMockServer valence = new WireMockServer(wireMockConfig().dynamicPort());

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private ConfigurableApplicationContext service;

	private int port;

	@BeforeEach
	void start() {
		this.valence.start();
		this.valence.stubFor(WireMock.get("/").willReturn(okJson(read("valence/root.json"))));
		this.valence.stubFor(WireMock.get(VALENCE_NODE).willReturn(okJson(read("valence/node-detail.json"))));
		this.valence.stubFor(WireMock.post(VALENCE_NODE + "/action")
			.willReturn(aResponse().withStatus(204).withFixedDelay((int) SLOW_ACTION.toMillis())));
		this.service = RunningService.start(this.valence, "--valence.read-timeout=10s", "--valence.call-timeout=15s",
				"--driver.health.probe-interval=100ms");
		this.port = RunningService.port(this.service);
	}

	@AfterEach
	void stop() {
		this.service.close();
		this.valence.stop();
	}

	@Test
	void rebootInFlightIsAnsweredWithWhatItSentAndNewWorkIsRefused() throws Exception {
		CompletableFuture<HttpResponse<String>> reboot = this.http
			.sendAsync(request("/v1/nodes/" + NODE + "/power").header("Content-Type", "application/json")
				.PUT(HttpRequest.BodyPublishers.ofString("{\"target\": \"rebooting\", \"timeout\": 60}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		awaitActionReceived();

		long shutdownStart = System.nanoTime();
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.service::close);
		HttpResponse<String> readiness = awaitReadinessDown();
		long lateStart = System.nanoTime();
		HttpResponse<String> late = this.http.send(request("/v1/nodes/" + NODE + "/power").GET().build(),
				HttpResponse.BodyHandlers.ofString());
		Duration lateTook = since(lateStart);
		HttpResponse<String> rebooted = reboot.get(30, TimeUnit.SECONDS);
		Duration rebootAnsweredAfter = since(shutdownStart);
		closed.get(30, TimeUnit.SECONDS);
		Duration exitTook = since(shutdownStart);

		assertThat(readiness.body()).contains("\"status\":\"OUT_OF_SERVICE\"");
		assertThat(late.statusCode()).isEqualTo(503);
		assertThat(late.body()).contains("\"code\":\"SERVICE_UNAVAILABLE\"").contains("\"request_id\":\"req-");
		assertThat(late.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(lateTook).isLessThan(Duration.ofSeconds(1));
		assertThat(rebooted.statusCode()).as(rebooted.body()).isEqualTo(504);
		assertThat(rebooted.body()).contains("\"code\":\"POWER_STATE_TIMEOUT\"")
			.contains("\"actions_sent\":[\"ForceOff\"]")
			.contains("shutting down");
		assertThat(rebootAnsweredAfter).isLessThan(SLOW_ACTION.plusSeconds(2));
		assertThat(exitTook).isLessThan(SLOW_ACTION.plusSeconds(5));
		assertThat(this.valence.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo(VALENCE_NODE + "/action"))))
			.hasSize(1);
		assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), this.port).close())
			.isInstanceOf(ConnectException.class);
		System.out.printf(
				"shutdown figures: late request answered 503 in %d ms, reboot answered %d ms and "
						+ "service closed %d ms after the shutdown began (Valence's ForceOff took %d ms)%n",
				lateTook.toMillis(), rebootAnsweredAfter.toMillis(), exitTook.toMillis(), SLOW_ACTION.toMillis());
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Authorization", ServiceTest.BEARER)
			.timeout(Duration.ofSeconds(20));
	}

	private void awaitActionReceived() throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			if (!this.valence.findAll(WireMock.postRequestedFor(WireMock.urlEqualTo(VALENCE_NODE + "/action")))
				.isEmpty()) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("Valence never received the reboot's action");
	}

	/** Readiness as soon as it is no longer 200, while the server still answers. */
	private HttpResponse<String> awaitReadinessDown() throws IOException, InterruptedException {
		for (int i = 0; i < 100; i++) {
			HttpResponse<String> readiness = this.http.send(request("/actuator/health/readiness").GET().build(),
					HttpResponse.BodyHandlers.ofString());
			if (readiness.statusCode() == 503) {
				return readiness;
			}
			Thread.sleep(20);
		}
		throw new AssertionError("readiness never went down");
	}

	private static Duration since(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

}
