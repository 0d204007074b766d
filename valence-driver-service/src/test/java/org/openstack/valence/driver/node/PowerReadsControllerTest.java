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

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openstack.valence.driver.ServiceTest;
import org.openstack.valence.driver.protocol.Protocol;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;
import static org.openstack.valence.driver.TestResources.valenceError;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class PowerReadsControllerTest extends ServiceTest {

	private static final String POWER_READS = "/v1/power-reads";

	@Autowired
	private MeterRegistry meters;

	private static MockHttpServletRequestBuilder powerReads(String body) {
		return post(POWER_READS).header("Authorization", BEARER).contentType(MediaType.APPLICATION_JSON).content(body);
	}

	private static String nodes(String... ids) {
		return Stream.of(ids).map((id) -> "\"" + id + "\"").collect(Collectors.joining(", ", "{\"nodes\": [", "]}"));
	}

	private static void valenceHas(String nodeId, String powerState) {
		valence.stubFor(WireMock.get("/v1/nodes/" + nodeId).willReturn(okJson(ValenceStubs.node(powerState))));
	}

	@Test
	void eachNodeIsAnsweredWithItsReadOrItsFailure() throws Exception {
		valenceHas("node-on", "On");
		valenceHas("node-off", "PoweringOff");
		valence.stubFor(WireMock.get("/v1/nodes/node-gone")
			.willReturn(aResponse().withStatus(404)
				.withBody(valenceError(404, "Resource could not be found", "Composed node not found in database."))));
		valence.stubFor(WireMock.get("/v1/nodes/node-broken")
			.willReturn(aResponse().withStatus(500)
				.withBody(valenceError(500, "Internal Server Error", "PODM unreachable"))));
		valence.stubFor(WireMock.get("/v1/nodes/node-cut-off")
			.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		this.mvc.perform(powerReads(nodes("node-on", "node-off", "node-gone", "node-broken", "node-cut-off")))
			.andExpect(status().isOk())
			.andExpect(content().contentType(MediaType.APPLICATION_JSON))
			.andExpect(content().json(
					"""
							{"nodes": {
							  "node-on": {"power_state": "power on", "health": "OK", "composition_state": "Assembled", "name": "Server-1"},
							  "node-off": {"power_state": "power off", "health": "OK", "composition_state": "Assembled", "name": "Server-1"},
							  "node-gone": {"error": "NODE_NOT_FOUND"},
							  "node-broken": {"error": "VALENCE_ERROR"},
							  "node-cut-off": {"error": "VALENCE_UNREACHABLE"}}}
							""",
					JsonCompareMode.STRICT));
	}

	@Test
	void aNodeReadIsAnsweredInTheShapeOfASingleRead() throws Exception {
		valenceHas("node-1", "Paused");

		String single = this.mvc.perform(get("/v1/nodes/node-1/power").header("Authorization", BEARER))
			.andReturn()
			.getResponse()
			.getContentAsString();

		this.mvc.perform(powerReads(nodes("node-1")))
			.andExpect(status().isOk())
			.andExpect(content().json("{\"nodes\": {\"node-1\": " + single + "}}", JsonCompareMode.STRICT));
	}

	@Test
	void valencesWordsStayOutOfTheAnswer() throws Exception {
		valence.stubFor(WireMock.get("/v1/nodes/node-1")
			.willReturn(aResponse().withStatus(500)
				.withBody(valenceError(500, "Internal Server Error", "PODM unreachable"))));

		this.mvc.perform(powerReads(nodes("node-1")))
			.andExpect(status().isOk())
			.andExpect(content().string(not(containsString("PODM"))));
	}

	@Test
	void requestIdIsForwardedWithEveryNodeRead() throws Exception {
		valenceHas("node-1", "On");
		valenceHas("node-2", "Off");
		String requestId = "req-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

		this.mvc.perform(powerReads(nodes("node-1", "node-2")).header(Protocol.REQUEST_ID_HEADER, requestId))
			.andExpect(status().isOk());
		for (String node : new String[] { "node-1", "node-2" }) {
			valence.verify(getRequestedFor(urlPathEqualTo("/v1/nodes/" + node)).withHeader(Protocol.REQUEST_ID_HEADER,
					WireMock.equalTo(requestId)));
		}
	}

	@Test
	void nodeReadsAreCountedByOutcome() throws Exception {
		valenceHas("node-1", "On");
		valence.stubFor(WireMock.get("/v1/nodes/node-2").willReturn(aResponse().withStatus(404)));
		double ok = count("ok");
		double notFound = count("node_not_found");

		this.mvc.perform(powerReads(nodes("node-1", "node-2"))).andExpect(status().isOk());

		assertThat(count("ok")).isEqualTo(ok + 1);
		assertThat(count("node_not_found")).isEqualTo(notFound + 1);
	}

	private double count(String outcome) {
		return this.meters.counter("valence.power.reads", "outcome", outcome).count();
	}

	@Test
	void aBatchOfTheMostNodesIsRead() throws Exception {
		valence.stubFor(WireMock.get(WireMock.urlPathMatching("/v1/nodes/node-[0-9]+"))
			.willReturn(okJson(ValenceStubs.node("On"))));

		this.mvc.perform(powerReads(nodes(ids(Protocol.POWER_READS_MAX_NODES))))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.nodes.length()").value(Protocol.POWER_READS_MAX_NODES))
			.andExpect(jsonPath("$.nodes.node-99.power_state").value("power on"));
	}

	private static String[] ids(int count) {
		return IntStream.range(0, count).mapToObj((i) -> "node-" + i).toArray(String[]::new);
	}

	static Stream<Arguments> refusedBodies() {
		return Stream.of(argumentSet("no node", "{\"nodes\": []}", "nodes"),
				argumentSet("more nodes than a batch may name", nodes(ids(Protocol.POWER_READS_MAX_NODES + 1)),
						"nodes"),
				argumentSet("a node named twice", nodes("node-1", "node-2", "node-1"), "unique"),
				argumentSet("a node id that walks up Valence's API", nodes("node-1", "../pod_managers"), "must match"),
				argumentSet("an empty node id", nodes(""), "must match"),
				argumentSet("a number for a node id", "{\"nodes\": [\"node-1\", 7]}", "a JSON string"),
				argumentSet("null for a node id", "{\"nodes\": [\"node-1\", null]}", "nodes"),
				argumentSet("an object for a node id", "{\"nodes\": [{\"id\": \"node-1\"}]}", "nodes"),
				argumentSet("null for the list", "{\"nodes\": null}", "nodes"), argumentSet("no list", "{}", "nodes"),
				argumentSet("one id for the list", "{\"nodes\": \"node-1\"}", "nodes"),
				argumentSet("an unknown member", "{\"nodes\": [\"node-1\"], \"health\": true}", "'health'"),
				argumentSet("the list given twice", "{\"nodes\": [\"node-1\"], \"nodes\": [\"node-2\"]}", "\"nodes\""),
				argumentSet("a list for the body", "[\"node-1\"]", "body"));
	}

	@ParameterizedTest
	@MethodSource("refusedBodies")
	void refusedBodyIsInvalidRequestAndReachesNoValence(String body, String named) throws Exception {
		this.mvc.perform(powerReads(body))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.detail").value(containsString(named)))
			.andExpect(jsonPath("$.request_id").isNotEmpty());
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	@Test
	void withoutTheTokenNothingIsRead() throws Exception {
		this.mvc.perform(post(POWER_READS).contentType(MediaType.APPLICATION_JSON).content(nodes("node-1")))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.code").value("UNAUTHORIZED"));
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

}
