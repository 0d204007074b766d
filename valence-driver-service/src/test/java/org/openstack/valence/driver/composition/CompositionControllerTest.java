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

package org.openstack.valence.driver.composition;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openstack.valence.driver.ServiceTest;
import org.openstack.valence.driver.protocol.Protocol;

import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.nullValue;
import static org.openstack.valence.driver.TestResources.read;
import static org.openstack.valence.driver.TestResources.valenceError;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class CompositionControllerTest extends ServiceTest {

	private static final String NODE = "4d8c3732-a248-40ed-bebc-539a6ffd25c0";

	private static final String NEW_NODE = "9b1f0c2e-5a4d-4e3b-8c7a-6d5e4f3a2b1c";

	private static final String FLAVORS = """
			[{"uuid": "f-small", "name": "small", "description": "2 cores, 8 GiB",
			  "properties": {"processor": {"total_cores": "2"}, "memory": {"capacity_mib": "8192"}}},
			 {"uuid": "f-odd", "name": "odd", "description": null, "properties": {"memory": {"capacity_mib": "lots"}}}]
			""";

	private static MockHttpServletRequestBuilder authorized(MockHttpServletRequestBuilder request) {
		return request.header("Authorization", BEARER);
	}

	private static MockHttpServletRequestBuilder compose(String body) {
		return authorized(post("/v1/nodes").contentType(MediaType.APPLICATION_JSON).content(body));
	}

	/**
	 * The detail of {@code uuid} named {@code name} in composition state {@code state}.
	 */
	private static String detail(String uuid, String name, String state) {
		return read("valence/node-detail.json").replace(NODE, uuid)
			.replace("\"Server-1\"", "\"" + name + "\"")
			.replace("\"node_state\": \"Assembled\"", "\"node_state\": \"" + state + "\"");
	}

	private static void valenceHasNodes(String list) {
		valence.stubFor(WireMock.get("/v1/nodes").willReturn(okJson(list)));
	}

	private static void valenceHasFlavors() {
		valence.stubFor(WireMock.get("/v1/flavors").willReturn(okJson(FLAVORS)));
	}

	/**
	 * Valence accepts the composition, then reports the node in each of {@code states},
	 * the last one for good.
	 */
	private static void valenceComposes(String... states) {
		valence.stubFor(WireMock.post("/v1/nodes")
			.willReturn(okJson("{\"uuid\": \"" + NEW_NODE + "\", \"name\": \"web-1\", \"links\": []}")));
		String scenarioState = Scenario.STARTED;
		for (int i = 0; i < states.length; i++) {
			String next = (i + 1 < states.length) ? "read-" + (i + 1) : scenarioState;
			valence.stubFor(WireMock.get("/v1/nodes/" + NEW_NODE)
				.inScenario("compose")
				.whenScenarioStateIs(scenarioState)
				.willReturn(okJson(detail(NEW_NODE, "web-1", states[i])))
				.willSetStateTo(next));
			scenarioState = next;
		}
	}

	@Test
	void composedNodesAreListedWithTheirStateAndPower() throws Exception {
		valenceHasNodes("[{\"uuid\": \"" + NODE + "\", \"name\": \"Server-1\", \"index\": \"1\"}]");
		valence.stubFor(WireMock.get("/v1/nodes/" + NODE).willReturn(okJson(detail(NODE, "Server-1", "Assembling"))));

		this.mvc.perform(authorized(get("/v1/nodes"))).andExpect(status().isOk()).andExpect(content().json("""
				{"nodes": [{"node_id": "4d8c3732-a248-40ed-bebc-539a6ffd25c0", "name": "Server-1", "index": "1",
				            "composition_state": "Assembling", "power_state": "power on"}],
				 "next_marker": null}
				""", JsonCompareMode.STRICT));
	}

	@Test
	void nodeDeletedWhileListingIsLeftOut() throws Exception {
		valenceHasNodes("[{\"uuid\": \"" + NODE + "\", \"name\": \"Server-1\", \"index\": \"1\"}]");
		valence.stubFor(WireMock.get("/v1/nodes/" + NODE)
			.willReturn(aResponse().withStatus(404).withBody(valenceError(404, "Not Found", "gone"))));

		this.mvc.perform(authorized(get("/v1/nodes")))
			.andExpect(status().isOk())
			.andExpect(content().json("{\"nodes\": [], \"next_marker\": null}", JsonCompareMode.STRICT));
	}

	/** Valence lists c, a, b; each node's detail names it. */
	private static void valenceHasThreeNodesOutOfOrder() {
		valenceHasNodes("[{\"uuid\": \"c-node\"}, {\"uuid\": \"a-node\"}, {\"uuid\": \"b-node\"}]");
		for (String id : List.of("a-node", "b-node", "c-node")) {
			valence.stubFor(WireMock.get("/v1/nodes/" + id).willReturn(okJson(detail(id, id, "Assembled"))));
		}
	}

	@Test
	void pagesFollowTheOrderOfNodeIdsFromTheMarker() throws Exception {
		valenceHasThreeNodesOutOfOrder();

		this.mvc.perform(authorized(get("/v1/nodes?limit=2")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.nodes[*].node_id").value(contains("a-node", "b-node")))
			.andExpect(jsonPath("$.next_marker").value("b-node"));
		this.mvc.perform(authorized(get("/v1/nodes?limit=2&marker=b-node")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.nodes[*].node_id").value(contains("c-node")))
			.andExpect(jsonPath("$.next_marker").value(nullValue()));
	}

	@Test
	void pageThatEndsTheListExactlyHasNoNextMarker() throws Exception {
		valenceHasThreeNodesOutOfOrder();

		this.mvc.perform(authorized(get("/v1/nodes?limit=3")))
			.andExpect(jsonPath("$.nodes.length()").value(3))
			.andExpect(jsonPath("$.next_marker").value(nullValue()));
	}

	@Test
	void markerOfANodeSinceDeletedStillPlacesThePage() throws Exception {
		valenceHasThreeNodesOutOfOrder();

		this.mvc.perform(authorized(get("/v1/nodes?marker=a-zzz")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.nodes[*].node_id").value(contains("b-node", "c-node")));
	}

	@Test
	void pageWithoutALimitHoldsTheProtocolsDefault() throws Exception {
		List<String> ids = IntStream.range(0, Protocol.NODE_LIST_DEFAULT_LIMIT + 1)
			.mapToObj((i) -> String.format("node-%04d", i))
			.toList();
		valenceHasNodes(
				ids.stream().map((id) -> "{\"uuid\": \"" + id + "\"}").collect(Collectors.joining(", ", "[", "]")));
		valence.stubFor(WireMock.get(urlPathMatching("/v1/nodes/node-.*"))
			.willReturn(okJson(detail(NODE, "Server-1", "Assembled"))));

		this.mvc.perform(authorized(get("/v1/nodes")))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.nodes.length()").value(Protocol.NODE_LIST_DEFAULT_LIMIT))
			.andExpect(jsonPath("$.next_marker").value(ids.get(Protocol.NODE_LIST_DEFAULT_LIMIT - 1)));
	}

	@Test
	void nodeReadThatFailsFailsThePageRatherThanShortenIt() throws Exception {
		valenceHasThreeNodesOutOfOrder();
		valence.stubFor(WireMock.get("/v1/nodes/b-node")
			.willReturn(aResponse().withStatus(500).withBody(valenceError(500, "Internal Server Error", "podm"))));

		this.mvc.perform(authorized(get("/v1/nodes")))
			.andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_ERROR"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "limit=0", "limit=1001", "limit=-1", "limit=abc", "limit=", "limit=2.5", "limit=+5",
			"limit=05", "limit=99999999999", "limit=1&limit=2", "marker=a%2Fb", "marker=..", "marker=",
			"marker=a&marker=b", "size=5", "limit=5&sort=name" })
	void malformedListParametersAreRefusedBeforeValence(String query) throws Exception {
		this.mvc.perform(authorized(get("/v1/nodes?" + query)))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"));
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	@Test
	void listingNeedsTheToken() throws Exception {
		this.mvc.perform(get("/v1/nodes"))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.code").value("UNAUTHORIZED"));
	}

	@Test
	void flavorsAreListedWithTheirNumbers() throws Exception {
		valenceHasFlavors();

		this.mvc.perform(authorized(get("/v1/flavors"))).andExpect(status().isOk()).andExpect(content().json("""
				[{"flavor_id": "f-small", "name": "small", "description": "2 cores, 8 GiB", "total_cores": 2,
				  "memory_mib": 8192},
				 {"flavor_id": "f-odd", "name": "odd", "description": null, "total_cores": null, "memory_mib": null}]
				""", JsonCompareMode.STRICT));
	}

	@Test
	void composeByFlavorNameWaitsUntilAssembled() throws Exception {
		valenceHasFlavors();
		valenceHasNodes("[]");
		valenceComposes("Allocating", "Assembling", "Assembled");

		this.mvc.perform(compose("{\"name\": \"web-1\", \"flavor\": \"small\", \"timeout\": 30}"))
			.andExpect(status().isCreated())
			.andExpect(content().json("""
					{"node_id": "9b1f0c2e-5a4d-4e3b-8c7a-6d5e4f3a2b1c", "name": "web-1", "index": "1",
					 "composition_state": "Assembled", "power_state": "power on"}
					""", JsonCompareMode.STRICT));
		valence.verify(postRequestedFor(urlPathEqualTo("/v1/nodes"))
			.withRequestBody(equalToJson("{\"name\": \"web-1\", \"flavor_id\": \"f-small\"}")));
	}

	@Test
	void composeWithExplicitHardwareSendsValenceProperties() throws Exception {
		valenceHasNodes("[]");
		valenceComposes("Assembled");

		this.mvc.perform(compose("{\"name\": \"web-1\", \"hardware\": {\"total_cores\": 4}}"))
			.andExpect(status().isCreated());
		valence.verify(postRequestedFor(urlPathEqualTo("/v1/nodes")).withRequestBody(
				equalToJson("{\"name\": \"web-1\", \"properties\": {\"processor\": {\"total_cores\": \"4\"}}}")));
	}

	@Test
	void unknownFlavorIsFlavorNotFoundAndNothingIsComposed() throws Exception {
		valenceHasFlavors();

		this.mvc.perform(compose("{\"name\": \"web-1\", \"flavor\": \"huge\"}"))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.code").value("FLAVOR_NOT_FOUND"))
			.andExpect(jsonPath("$.detail", containsString("'huge'")));
		valence.verify(0, postRequestedFor(urlPathEqualTo("/v1/nodes")));
	}

	@Test
	void usedNameIsNameInUseWithTheNodeHavingIt() throws Exception {
		valenceHasFlavors();
		valenceHasNodes("[{\"uuid\": \"" + NODE + "\", \"name\": \"web-1\", \"index\": \"1\"}]");

		this.mvc.perform(compose("{\"name\": \"web-1\", \"flavor\": \"f-small\"}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.code").value("NAME_IN_USE"))
			.andExpect(jsonPath("$.node_id").value(NODE));
		valence.verify(0, postRequestedFor(urlPathEqualTo("/v1/nodes")));
	}

	@Test
	void compositionValenceRefusesIsCompositionFailedWithValencesDetail() throws Exception {
		valenceHasNodes("[]");
		valence.stubFor(WireMock.post("/v1/nodes")
			.willReturn(aResponse().withStatus(409)
				.withBody(valenceError(409, "Conflict", "There are no resources to satisfy the request"))));

		this.mvc.perform(compose("{\"name\": \"web-1\", \"hardware\": {\"memory_mib\": 4096}}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.code").value("COMPOSITION_FAILED"))
			.andExpect(jsonPath("$.detail", containsString("There are no resources to satisfy the request")))
			.andExpect(jsonPath("$.node_id").doesNotExist());
	}

	@Test
	void nodeEndingFailedIsCompositionFailedNamingTheNode() throws Exception {
		valenceHasNodes("[]");
		valenceComposes("Allocating", "Failed");

		this.mvc.perform(compose("{\"name\": \"web-1\", \"hardware\": {\"memory_mib\": 4096}}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.code").value("COMPOSITION_FAILED"))
			.andExpect(jsonPath("$.node_id").value(NEW_NODE));
	}

	@Test
	void nodeNotAssembledInTimeIsCompositionTimeoutNamingTheNode() throws Exception {
		valenceHasNodes("[]");
		valenceComposes("Assembling");

		// 3 s, not 1: on a loaded machine one read can take most of a second, and a
		// read cut off by the deadline is VALENCE_TIMEOUT, not this test's case.
		this.mvc.perform(compose("{\"name\": \"web-1\", \"hardware\": {\"memory_mib\": 4096}, \"timeout\": 3}"))
			.andExpect(status().isGatewayTimeout())
			.andExpect(jsonPath("$.code").value("COMPOSITION_TIMEOUT"))
			.andExpect(jsonPath("$.detail", containsString("node_state Assembling")))
			.andExpect(jsonPath("$.node_id").value(NEW_NODE))
			.andExpect(jsonPath("$.actions_sent").value(contains("compose")));
	}

	@Test
	void valenceGoingDownMidCompositionIsReportedWithTheComposedNode() throws Exception {
		valenceHasNodes("[]");
		valence.stubFor(WireMock.post("/v1/nodes").willReturn(okJson("{\"uuid\": \"" + NEW_NODE + "\"}")));
		valence.stubFor(WireMock.get("/v1/nodes/" + NEW_NODE)
			.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		this.mvc.perform(compose("{\"name\": \"web-1\", \"hardware\": {\"memory_mib\": 4096}, \"timeout\": 5}"))
			.andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_UNREACHABLE"))
			.andExpect(jsonPath("$.node_id").value(NEW_NODE))
			.andExpect(jsonPath("$.actions_sent").value(contains("compose")));
	}

	@Test
	void compositionCallThatFailsSaysItWasSent() throws Exception {
		valenceHasNodes("[]");
		valence.stubFor(WireMock.post("/v1/nodes").willReturn(aResponse().withStatus(500)));

		this.mvc.perform(compose("{\"name\": \"web-1\", \"hardware\": {\"memory_mib\": 4096}, \"timeout\": 5}"))
			.andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_ERROR"))
			.andExpect(jsonPath("$.actions_sent").value(contains("compose")))
			.andExpect(jsonPath("$.node_id").doesNotExist());
	}

	@Test
	void flavorListThatFailsSaysNothingWasSent() throws Exception {
		valence.stubFor(WireMock.get("/v1/flavors").willReturn(aResponse().withStatus(503)));

		this.mvc.perform(compose("{\"name\": \"web-1\", \"flavor\": \"small\", \"timeout\": 5}"))
			.andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_ERROR"))
			.andExpect(jsonPath("$.actions_sent").value(empty()));
		valence.verify(0, postRequestedFor(urlPathEqualTo("/v1/nodes")));
	}

	@Test
	void nodeDeletedWhileWaitedForIsNodeNotFoundNamingIt() throws Exception {
		valenceHasNodes("[]");
		valence.stubFor(WireMock.post("/v1/nodes").willReturn(okJson("{\"uuid\": \"" + NEW_NODE + "\"}")));
		valence.stubFor(WireMock.get("/v1/nodes/" + NEW_NODE)
			.willReturn(aResponse().withStatus(404).withBody(valenceError(404, "Not Found", "deleted"))));

		this.mvc.perform(compose("{\"name\": \"web-1\", \"hardware\": {\"memory_mib\": 4096}, \"timeout\": 5}"))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.code").value("NODE_NOT_FOUND"))
			.andExpect(jsonPath("$.node_id").value(NEW_NODE));
	}

	@Test
	void flavorAndHardwareTogetherAreRefused() throws Exception {
		this.mvc.perform(compose("{\"name\": \"web-1\", \"flavor\": \"small\", \"hardware\": {\"total_cores\": 2}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.detail", containsString("exactly one of 'flavor' and 'hardware'")));
		valence.verify(0, postRequestedFor(urlPathEqualTo("/v1/nodes")));
	}

	@Test
	void neitherFlavorNorHardwareIsRefused() throws Exception {
		this.mvc.perform(compose("{\"name\": \"web-1\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail", containsString("exactly one of 'flavor' and 'hardware'")));
	}

	@Test
	void emptyHardwareIsRefused() throws Exception {
		this.mvc.perform(compose("{\"name\": \"web-1\", \"hardware\": {}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail", containsString("'total_cores', 'memory_mib' or both")));
	}

	@Test
	void unknownKeyIsRefused() throws Exception {
		this.mvc.perform(compose("{\"name\": \"web-1\", \"flavor\": \"small\", \"podm\": \"x\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.detail", containsString("podm")));
	}

	@Test
	void nameThatIronicCouldNotUseIsRefused() throws Exception {
		this.mvc.perform(compose("{\"name\": \"web 1/x\", \"flavor\": \"small\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail", containsString("name")));
	}

	@Test
	void timeoutOutOfBoundsIsRefused() throws Exception {
		this.mvc.perform(compose("{\"name\": \"web-1\", \"flavor\": \"small\", \"timeout\": 0}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail", containsString("timeout")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"name\": \"web-1\", \"flavor\": \"small\", \"timeout\": \"30\"}",
			"{\"name\": 5, \"flavor\": \"small\"}", "{\"name\": \"web-1\", \"hardware\": {\"total_cores\": 2.5}}",
			"{\"name\": \"web-1\", \"flavor\": \"small\", \"flavor\": \"large\"}",
			"{\"name\": \"web-1\", \"flavor\": \"small\", \"timeout\": true}" })
	void valueOfTheWrongTypeOrARepeatedKeyIsRefused(String body) throws Exception {
		this.mvc.perform(compose(body))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"));
		valence.verify(0, postRequestedFor(urlPathEqualTo("/v1/nodes")));
	}

	@Test
	void decomposeDeletesTheNodeInValence() throws Exception {
		valence.stubFor(WireMock.delete("/v1/nodes/" + NODE)
			.willReturn(okJson("{\"request_id\": \"r\", \"code\": \"DELETED\", \"detail\": \"deleted\"}")));

		this.mvc.perform(authorized(delete("/v1/nodes/{id}", NODE))).andExpect(status().isNoContent());
		valence.verify(1, deleteRequestedFor(urlPathEqualTo("/v1/nodes/" + NODE)));
	}

	@Test
	void decomposeOfAnUnknownNodeIsNodeNotFound() throws Exception {
		valence.stubFor(WireMock.delete("/v1/nodes/" + NODE)
			.willReturn(aResponse().withStatus(404).withBody(valenceError(404, "Not Found", "no such node"))));

		this.mvc.perform(authorized(delete("/v1/nodes/{id}", NODE)))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.code").value("NODE_NOT_FOUND"))
			.andExpect(jsonPath("$.actions_sent").value(contains("delete")));
	}

	@Test
	void decompositionThatFailsSaysTheDeleteWasSent() throws Exception {
		valence.stubFor(WireMock.delete("/v1/nodes/" + NODE).willReturn(aResponse().withStatus(500)));

		this.mvc.perform(authorized(delete("/v1/nodes/{id}", NODE)))
			.andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_ERROR"))
			.andExpect(jsonPath("$.actions_sent").value(contains("delete")));
		valence.verify(1, deleteRequestedFor(urlPathEqualTo("/v1/nodes/" + NODE)));
	}

	@Test
	void decomposeOfAPathLikeIdIsRefusedBeforeValence() throws Exception {
		this.mvc.perform(authorized(delete("/v1/nodes/{id}", "..%2Fx"))).andExpect(status().isBadRequest());
		valence.verify(0, deleteRequestedFor(WireMock.anyUrl()));
	}

}
