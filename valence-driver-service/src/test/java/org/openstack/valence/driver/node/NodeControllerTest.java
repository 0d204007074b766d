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

import java.net.URI;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.ServiceTest;
import org.openstack.valence.driver.protocol.Protocol;

import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.openstack.valence.driver.TestResources.valenceError;
import static org.openstack.valence.driver.node.ValenceStubs.NODE;
import static org.openstack.valence.driver.node.ValenceStubs.VALENCE_ACTION;
import static org.openstack.valence.driver.node.ValenceStubs.VALENCE_NODE;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class NodeControllerTest extends ServiceTest {

	private static MockHttpServletRequestBuilder authorized(MockHttpServletRequestBuilder request) {
		return request.header("Authorization", BEARER);
	}

	private static MockHttpServletRequestBuilder putJson(String path, String body) {
		return authorized(put(path).contentType(MediaType.APPLICATION_JSON).content(body));
	}

	private void valenceHasNode(String powerState) {
		valence.stubFor(WireMock.get(VALENCE_NODE).willReturn(okJson(ValenceStubs.node(powerState))));
	}

	@Test
	void nodeDetailAnswersInTheContractsShape() throws Exception {
		valenceHasNode("On");

		this.mvc.perform(authorized(get("/v1/nodes/{id}", NODE)))
			.andExpect(status().isOk())
			.andExpect(content().json("""
					{"node_id": "4d8c3732-a248-40ed-bebc-539a6ffd25c0", "name": "Server-1",
					 "description": "Description for this node", "power_state": "power on", "boot_device": "pxe",
					 "boot_persistent": null, "health": "OK", "composition_state": "Assembled",
					 "inventory": {"cpus": 16, "memory_mb": 32768, "cpu_arch": "x86_64", "local_gb": null,
					               "macs": ["aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"]}}
					""", JsonCompareMode.STRICT));
	}

	@Test
	void powerStateIsRead() throws Exception {
		valenceHasNode("PoweringOff");

		this.mvc.perform(authorized(get("/v1/nodes/{id}/power", NODE)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.power_state").value("power off"));
	}

	@Test
	void powerReadCarriesWhatASyncAndAVerificationNeedInOneCall() throws Exception {
		valenceHasNode("On");

		this.mvc.perform(authorized(get("/v1/nodes/{id}/power", NODE)))
			.andExpect(status().isOk())
			.andExpect(content().json("""
					{"power_state": "power on", "health": "OK", "composition_state": "Assembled",
					 "name": "Server-1"}
					""", JsonCompareMode.STRICT));
		valence.verify(1, WireMock.getRequestedFor(WireMock.urlPathEqualTo(VALENCE_NODE)));
	}

	@Test
	void unknownValencePowerStateReadsAsError() throws Exception {
		valenceHasNode("Paused");

		this.mvc.perform(authorized(get("/v1/nodes/{id}/power", NODE)))
			.andExpect(jsonPath("$.power_state").value("error"));
	}

	@Test
	void powerOffWaitsUntilValenceReportsOff() throws Exception {
		ValenceStubs.actionChanges(valence, "On", "Off", 0);

		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/power", "{\"target\": \"power off\", \"timeout\": 5}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.power_state").value("power off"));
		valence.verify(1, postRequestedFor(urlPathEqualTo(VALENCE_ACTION))
			.withRequestBody(equalToJson("{\"Reset\": {\"Type\": \"ForceOff\"}}")));
	}

	@Test
	void softPowerOffIsUnsupportedAndNothingIsAsked() throws Exception {
		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/power", "{\"target\": \"soft power off\"}"))
			.andExpect(status().isUnprocessableContent())
			.andExpect(jsonPath("$.code").value("UNSUPPORTED"))
			.andExpect(jsonPath("$.detail").value(containsString("no GracefulShutdown")));
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	@Test
	void powerStateNeverReachedIsPowerStateTimeout() throws Exception {
		valenceHasNode("PoweringOn");

		// 3 s, not 1: on a loaded machine one read can take most of a second, and a
		// read cut off by the deadline is VALENCE_TIMEOUT, not this test's case.
		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/power", "{\"target\": \"power on\", \"timeout\": 3}"))
			.andExpect(status().isGatewayTimeout())
			.andExpect(jsonPath("$.code").value("POWER_STATE_TIMEOUT"))
			.andExpect(jsonPath("$.detail").value(containsString("PoweringOn")));
	}

	@Test
	void bootDeviceIsReadWithPersistenceUnknown() throws Exception {
		valenceHasNode("On");

		this.mvc.perform(authorized(get("/v1/nodes/{id}/boot-device", NODE)))
			.andExpect(status().isOk())
			.andExpect(content().json("{\"boot_device\": \"pxe\", \"persistent\": null}", JsonCompareMode.STRICT));
	}

	@Test
	void bootDeviceIsSetPersistently() throws Exception {
		valence.stubFor(WireMock.post(VALENCE_ACTION).willReturn(aResponse().withStatus(204)));

		this.mvc
			.perform(putJson("/v1/nodes/" + NODE + "/boot-device", "{\"boot_device\": \"disk\", \"persistent\": true}"))
			.andExpect(status().isOk())
			.andExpect(content().json("{\"boot_device\": \"disk\", \"persistent\": true}", JsonCompareMode.STRICT));
		valence.verify(1, postRequestedFor(urlPathEqualTo(VALENCE_ACTION))
			.withRequestBody(equalToJson("{\"Boot\": {\"Enabled\": \"Continuous\", \"Target\": \"Hdd\"}}")));
	}

	@Test
	void bootDeviceIsOneTimeByDefault() throws Exception {
		valence.stubFor(WireMock.post(VALENCE_ACTION).willReturn(aResponse().withStatus(204)));

		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/boot-device", "{\"boot_device\": \"pxe\"}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.persistent").value(false));
		valence.verify(1, postRequestedFor(urlPathEqualTo(VALENCE_ACTION))
			.withRequestBody(equalToJson("{\"Boot\": {\"Enabled\": \"Once\", \"Target\": \"Pxe\"}}")));
	}

	@Test
	void unknownNodeIsNodeNotFoundWithValencesDetail() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE)
			.willReturn(aResponse().withStatus(404)
				.withBody(valenceError(404, "Resource could not be found", "Composed node not found in database."))));

		this.mvc.perform(authorized(get("/v1/nodes/{id}/power", NODE)))
			.andExpect(status().isNotFound())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("NODE_NOT_FOUND"))
			.andExpect(jsonPath("$.status").value(404))
			.andExpect(jsonPath("$.title").value("Node not found in Valence"))
			.andExpect(jsonPath("$.detail").value(containsString("Composed node not found in database.")))
			.andExpect(jsonPath("$.instance").value("/v1/nodes/" + NODE + "/power"))
			.andExpect(jsonPath("$.request_id").value(matchesPattern("req-[0-9a-f-]{36}")));
	}

	@Test
	void valenceRejectingAnActionIsValenceErrorWithItsDetail() throws Exception {
		valence.stubFor(WireMock.post(VALENCE_ACTION)
			.willReturn(aResponse().withStatus(400)
				.withBody(valenceError(400, "Validation Error", "'Pxe' is not one of ['Hdd']"))));

		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/boot-device", "{\"boot_device\": \"pxe\"}"))
			.andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_ERROR"))
			.andExpect(jsonPath("$.title").value("Valence rejected the request"))
			.andExpect(jsonPath("$.detail").value(containsString("'Pxe' is not one of ['Hdd']")))
			.andExpect(jsonPath("$.actions_sent").value(contains("Boot Pxe/Once")));
	}

	@Test
	void valenceServerErrorIsValenceErrorWithItsDetail() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE)
			.willReturn(aResponse().withStatus(500)
				.withBody(valenceError(500, "Internal Server Error", "PODM unreachable"))));

		this.mvc.perform(authorized(get("/v1/nodes/{id}", NODE)))
			.andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_ERROR"))
			.andExpect(jsonPath("$.title").value("Valence or its pod manager failed"))
			.andExpect(jsonPath("$.detail").value(containsString("PODM unreachable")));
	}

	@Test
	void garbageFromValenceIsValenceError() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE).willReturn(okJson("<html>proxy login</html>")));

		this.mvc.perform(authorized(get("/v1/nodes/{id}", NODE)))
			.andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_ERROR"))
			.andExpect(jsonPath("$.title").value("Valence sent an unreadable answer"));
	}

	@Test
	void valenceDroppingTheConnectionIsValenceUnreachable() throws Exception {
		valence.stubFor(WireMock.get(VALENCE_NODE).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		this.mvc.perform(authorized(get("/v1/nodes/{id}/boot-device", NODE)))
			.andExpect(status().isBadGateway())
			.andExpect(jsonPath("$.code").value("VALENCE_UNREACHABLE"));
	}

	@Test
	void slowValenceIsValenceTimeout() throws Exception {
		valence.stubFor(WireMock.post(VALENCE_ACTION).willReturn(aResponse().withStatus(204).withFixedDelay(2500)));

		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/boot-device", "{\"boot_device\": \"pxe\"}"))
			.andExpect(status().isGatewayTimeout())
			.andExpect(jsonPath("$.code").value("VALENCE_TIMEOUT"));
	}

	@Test
	void encodedSlashInANodeIdIsInvalidRequest() throws Exception {
		this.mvc.perform(authorized(get(URI.create("/v1/nodes/..%2Fpod_managers/power"))))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.request_id").isNotEmpty());
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	@Test
	void nodeIdOutsideThePatternIsInvalidRequest() throws Exception {
		this.mvc.perform(authorized(get("/v1/nodes/{id}", "node;rm")))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.detail").value(containsString("must match")));
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	@Test
	void unknownJsonFieldIsInvalidRequest() throws Exception {
		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/power", "{\"target\": \"power on\", \"force\": true}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.detail").value(containsString("unknown field 'force'")));
	}

	@Test
	void unknownPowerTargetIsInvalidRequest() throws Exception {
		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/power", "{\"target\": \"sideways\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.detail").value(containsString("'target' must be one of")));
	}

	@Test
	void readOnlyPowerStateAsTargetIsInvalidRequest() throws Exception {
		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/power", "{\"target\": \"error\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"));
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	@Test
	void timeoutOutOfRangeIsInvalidRequest() throws Exception {
		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/power", "{\"target\": \"power on\", \"timeout\": 0}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.detail").value(containsString("timeout")));
	}

	@Test
	void missingBootDeviceIsInvalidRequest() throws Exception {
		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/boot-device", "{\"persistent\": true}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.detail").value(containsString("boot_device")));
	}

	@Test
	void bodyThatIsNotJsonIsInvalidRequest() throws Exception {
		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/boot-device", "boot from pxe please"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"));
	}

	@Test
	void oversizedBodyIsInvalidRequest() throws Exception {
		String huge = "{\"boot_device\": \"pxe\", \"pad\": \"" + "x".repeat(20_000) + "\"}";

		this.mvc.perform(putJson("/v1/nodes/" + NODE + "/boot-device", huge))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.detail").value(containsString("larger than")));
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	@Test
	void unknownRouteIsRouteNotFoundRatherThanAMissingNode() throws Exception {
		this.mvc.perform(authorized(get("/v1/nodes/{id}/firmware", NODE)))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.code").value("ROUTE_NOT_FOUND"));
	}

	@Test
	void requestIdIsEchoedAndForwarded() throws Exception {
		valenceHasNode("On");
		String requestId = "req-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

		this.mvc.perform(authorized(get("/v1/nodes/{id}/power", NODE)).header(Protocol.REQUEST_ID_HEADER, requestId))
			.andExpect(header().string(Protocol.REQUEST_ID_HEADER, requestId));
		valence.verify(WireMock.getRequestedFor(urlPathEqualTo(VALENCE_NODE))
			.withHeader(Protocol.REQUEST_ID_HEADER, WireMock.equalTo(requestId)));
	}

	@Test
	void requestIdIsMadeWhenAbsentOrUnsafe() throws Exception {
		this.mvc.perform(authorized(get("/v1/connection")).header(Protocol.REQUEST_ID_HEADER, "evil\nINFO forged line"))
			.andExpect(header().string(Protocol.REQUEST_ID_HEADER, matchesPattern("req-[0-9a-f-]{36}")));
	}

	@Test
	void successfulAnswersAreNotProblemDocuments() throws Exception {
		this.mvc.perform(authorized(get("/v1/connection")))
			.andExpect(content().contentType(MediaType.APPLICATION_JSON))
			.andExpect(jsonPath("$.code").doesNotExist())
			.andExpect(jsonPath("$.request_id").doesNotExist());
	}

}
