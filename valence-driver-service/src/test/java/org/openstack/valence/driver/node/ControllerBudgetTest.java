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

package org.openstack.valence.driver.node;

import java.time.Duration;

import com.github.tomakehurst.wiremock.client.WireMock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.ServiceTest;
import org.openstack.valence.driver.protocol.Protocol;

import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.nullValue;
import static org.openstack.valence.driver.TestResources.read;
import static org.openstack.valence.driver.node.ValenceStubs.NODE;
import static org.openstack.valence.driver.node.ValenceStubs.VALENCE_ACTION;
import static org.openstack.valence.driver.node.ValenceStubs.VALENCE_NODE;
import static org.openstack.valence.driver.node.ValenceStubs.actionChanges;
import static org.openstack.valence.driver.node.ValenceStubs.node;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The request's deadline bounds every Valence call made for it. Valence's own timeouts
 * are the production defaults here (10 s read, 15 s call, three attempts), far longer
 * than the deadlines, so that only the deadline can explain an answer in time.
 */
@TestPropertySource(
		properties = { "valence.read-timeout=10s", "valence.call-timeout=15s", "valence.retry.max-attempts=3",
				"valence.retry.initial-backoff=200ms", "driver.read-budget=2s", "driver.power.poll-interval=100ms" })
class ControllerBudgetTest extends ServiceTest {

	private static final Duration READ_BUDGET = Duration.ofSeconds(2);

	private static final int POWER_TIMEOUT = 2;

	/** Longer than any deadline here, shorter than Valence's own timeouts. */
	private static final int HANG_MS = 6000;

	/**
	 * The first requests of a fresh context initialise MVC, validation and OkHttp; the
	 * deadline counts from the controller, so that time is kept out of the measurements.
	 */
	@BeforeEach
	void warmUp() throws Exception {
		valence.stubFor(WireMock.get("/").willReturn(okJson(read("valence/root.json"))));
		this.mvc.perform(get("/v1/connection").header("Authorization", BEARER)).andExpect(status().isOk());
		this.mvc.perform(power("soft power off")).andExpect(status().isUnprocessableContent());
		valence.resetAll();
	}

	private static MockHttpServletRequestBuilder power(String target) {
		return put("/v1/nodes/{id}/power", NODE).header("Authorization", BEARER)
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"target\": \"" + target + "\", \"timeout\": " + POWER_TIMEOUT + "}");
	}

	/**
	 * Performs the request and checks it was answered within {@code deadline} plus the
	 * allowed overshoot.
	 */
	private ResultActions answeredWithin(Duration deadline, MockHttpServletRequestBuilder request) throws Exception {
		long start = System.nanoTime();
		ResultActions result = this.mvc.perform(request);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(elapsed).as("answered within the deadline plus the overshoot")
			.isLessThanOrEqualTo(deadline.plusSeconds(Protocol.ANSWER_OVERSHOOT_SECONDS));
		return result;
	}

	private ResultActions powerChangeAnswered(String target) throws Exception {
		return answeredWithin(Duration.ofSeconds(POWER_TIMEOUT), power(target));
	}

	@Test
	void slowFirstReadIsCutAtTheDeadlineAndNothingIsSent() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE).willReturn(okJson(node("Off")).withFixedDelay(HANG_MS)));

		powerChangeAnswered("power on").andExpect(status().isGatewayTimeout())
			.andExpect(jsonPath("$.code").value("VALENCE_TIMEOUT"))
			.andExpect(jsonPath("$.detail").value(containsString("time budget of 2.0 s")))
			.andExpect(jsonPath("$.actions_sent").value(empty()));
		valence.verify(1, getRequestedFor(urlPathEqualTo(VALENCE_NODE)));
		valence.verify(0, postRequestedFor(urlPathEqualTo(VALENCE_ACTION)));
	}

	@Test
	void aSlowSystemIsCutAtTheReadDeadlineAndLeavesLocalGbNull() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE).willReturn(okJson(node("On"))));
		valence.stubFor(WireMock.get("/v1/systems/1").willReturn(okJson("[]").withFixedDelay(HANG_MS)));

		answeredWithin(READ_BUDGET, get("/v1/nodes/{id}", NODE).header("Authorization", BEARER))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.inventory.memory_mb").value(32768))
			.andExpect(jsonPath("$.inventory.local_gb").value(nullValue()));
	}

	@Test
	void readsThatHangAfterTheActionAreCutAtTheDeadline() throws Exception {
		actionChanges(valence, "Off", "On", HANG_MS);

		powerChangeAnswered("power on").andExpect(status().isGatewayTimeout())
			.andExpect(jsonPath("$.code").value("VALENCE_TIMEOUT"))
			.andExpect(jsonPath("$.actions_sent").value(contains("On")));
		valence.verify(1, postRequestedFor(urlPathEqualTo(VALENCE_ACTION)));
	}

	@Test
	void actionThatHangsIsCutAtTheDeadlineAndReportedAsSent() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE).willReturn(okJson(node("Off"))));
		valence.stubFor(WireMock.post(VALENCE_ACTION).willReturn(aResponse().withStatus(204).withFixedDelay(HANG_MS)));

		powerChangeAnswered("power on").andExpect(status().isGatewayTimeout())
			.andExpect(jsonPath("$.code").value("VALENCE_TIMEOUT"))
			.andExpect(jsonPath("$.actions_sent").value(contains("On")));
		valence.verify(1, postRequestedFor(urlPathEqualTo(VALENCE_ACTION)));
	}

	private static void onlyForceOffWasSent() {
		valence.verify(1, postRequestedFor(urlPathEqualTo(VALENCE_ACTION)));
		valence.verify(1, postRequestedFor(urlPathEqualTo(VALENCE_ACTION))
			.withRequestBody(equalToJson("{\"Reset\": {\"Type\": \"ForceOff\"}}")));
	}

	@Test
	void rebootWhoseDeadlinePassesBeforeOffNeverSendsOn() throws Exception {
		actionChanges(valence, "On", "PoweringOff", 0);

		powerChangeAnswered("rebooting").andExpect(status().isGatewayTimeout())
			.andExpect(jsonPath("$.code").value("POWER_STATE_TIMEOUT"))
			.andExpect(jsonPath("$.detail").value(containsString("did not reach 'power off'")))
			.andExpect(jsonPath("$.actions_sent").value(contains("ForceOff")));
		onlyForceOffWasSent();
	}

	@Test
	void rebootWhoseOffArrivesAfterTheDeadlineNeverSendsOn() throws Exception {
		actionChanges(valence, "On", "Off", POWER_TIMEOUT * 1000 + 500);

		powerChangeAnswered("rebooting").andExpect(status().isGatewayTimeout())
			.andExpect(jsonPath("$.code").value("VALENCE_TIMEOUT"))
			.andExpect(jsonPath("$.actions_sent").value(contains("ForceOff")));
		onlyForceOffWasSent();
	}

	@Test
	void powerReadOfAHangingValenceKeepsTheReadBudget() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE).willReturn(okJson(node("On")).withFixedDelay(HANG_MS)));

		answeredWithin(READ_BUDGET, get("/v1/nodes/{id}/power", NODE).header("Authorization", BEARER))
			.andExpect(status().isGatewayTimeout())
			.andExpect(jsonPath("$.code").value("VALENCE_TIMEOUT"));
		valence.verify(1, getRequestedFor(urlPathEqualTo(VALENCE_NODE)));
	}

	@Test
	void powerReadsAnswerASlowNodeValenceTimeoutAndTheOthersWithinTheReadBudget() throws Exception {
		valence.stubFor(WireMock.get("/v1/nodes/node-slow").willReturn(okJson(node("On")).withFixedDelay(HANG_MS)));
		valence.stubFor(WireMock.get("/v1/nodes/node-1").willReturn(okJson(node("On"))));
		valence.stubFor(WireMock.get("/v1/nodes/node-2").willReturn(okJson(node("Off"))));

		answeredWithin(READ_BUDGET,
				post("/v1/power-reads").header("Authorization", BEARER)
					.contentType(MediaType.APPLICATION_JSON)
					.content("{\"nodes\": [\"node-1\", \"node-slow\", \"node-2\"]}"))
			.andExpect(status().isOk())
			.andExpect(content().json(
					"""
							{"nodes": {"node-1": {"power_state": "power on", "health": "OK", "composition_state": "Assembled", "name": "Server-1"},
							           "node-slow": {"error": "VALENCE_TIMEOUT"},
							           "node-2": {"power_state": "power off", "health": "OK", "composition_state": "Assembled", "name": "Server-1"}}}
							""",
					JsonCompareMode.STRICT));
	}

	@Test
	void retryIsNotBegunWhenTheBudgetCannotPayForIt() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE).willReturn(aResponse().withStatus(503).withFixedDelay(1200)));

		answeredWithin(READ_BUDGET, get("/v1/nodes/{id}", NODE).header("Authorization", BEARER))
			.andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_ERROR"));
		valence.verify(1, getRequestedFor(urlPathEqualTo(VALENCE_NODE)));
	}

	@Test
	void quickFailuresAreStillRetriedWithinTheBudget() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE).willReturn(aResponse().withStatus(503)));

		answeredWithin(READ_BUDGET, get("/v1/nodes/{id}", NODE).header("Authorization", BEARER))
			.andExpect(status().isBadGateway());
		valence.verify(3, getRequestedFor(urlPathEqualTo(VALENCE_NODE)));
	}

	@Test
	void bootDeviceChangeKeepsTheReadBudget() throws Exception {
		valence.stubFor(WireMock.post(VALENCE_ACTION).willReturn(aResponse().withStatus(204).withFixedDelay(HANG_MS)));

		answeredWithin(READ_BUDGET,
				put("/v1/nodes/{id}/boot-device", NODE).header("Authorization", BEARER)
					.contentType(MediaType.APPLICATION_JSON)
					.content("{\"boot_device\": \"pxe\"}"))
			.andExpect(status().isGatewayTimeout())
			.andExpect(jsonPath("$.code").value("VALENCE_TIMEOUT"))
			.andExpect(jsonPath("$.actions_sent").value(contains("Boot Pxe/Once")));
		valence.verify(1, postRequestedFor(urlPathEqualTo(VALENCE_ACTION)));
	}

	@Test
	void connectionTestOfAHangingValenceKeepsTheReadBudget() throws Exception {
		valence.stubFor(WireMock.get("/").willReturn(okJson(read("valence/root.json")).withFixedDelay(HANG_MS)));

		answeredWithin(READ_BUDGET, get("/v1/connection").header("Authorization", BEARER)).andExpect(status().isOk())
			.andExpect(jsonPath("$.valence.reachable").value(false))
			.andExpect(jsonPath("$.valence.error").value(containsString("time budget")));
		valence.verify(1, getRequestedFor(urlPathEqualTo("/")));
	}

}
