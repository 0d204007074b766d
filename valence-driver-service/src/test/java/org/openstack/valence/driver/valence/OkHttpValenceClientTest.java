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

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.client.BasicCredentials;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.protocol.BootDevice;
import org.openstack.valence.driver.protocol.PowerState;
import org.openstack.valence.driver.protocol.Protocol;
import org.openstack.valence.driver.web.RequestIds;
import org.slf4j.MDC;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
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
import static org.openstack.valence.driver.TestResources.valenceError;

@ExtendWith(OutputCaptureExtension.class)
class OkHttpValenceClientTest {

	private static final String NODE = "4d8c3732-a248-40ed-bebc-539a6ffd25c0";

	private static final String NODE_PATH = "/v1/nodes/" + NODE;

	private static final String ACTION_PATH = NODE_PATH + "/action";

	private static final String PASSWORD = "s3cret-Valence-pw";

	/** Far enough that no test here meets it, unless it says so. */
	private static final Deadline SOON = Deadline.after(Duration.ofMinutes(10));

	@RegisterExtension
	static WireMockExtension valence = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@AfterEach
	void clearMdc() {
		MDC.clear();
	}

	private OkHttpValenceClient client() {
		return client(properties(valence.baseUrl(), null, null, Duration.ofSeconds(2)));
	}

	private OkHttpValenceClient client(ValenceProperties properties) {
		return new OkHttpValenceClient(ValenceHttpClientFactory.build(properties, null, this.meters), properties,
				this.meters);
	}

	/** The count of the timer of HTTP calls to Valence whose tags include these. */
	private long calls(String... tags) {
		return this.meters.get("valence.upstream.requests").tags(tags).timer().count();
	}

	/** Resilience4j's count of the reads of an operation, by kind. */
	private double reads(String operation, String kind) {
		return this.meters.get("resilience4j.retry.calls")
			.tags("name", operation, "kind", kind)
			.functionCounter()
			.count();
	}

	static ValenceProperties properties(String url, String username, String password, Duration readTimeout) {
		return properties(url, username, password, readTimeout, Duration.ofSeconds(4));
	}

	static ValenceProperties properties(String url, String username, String password, Duration readTimeout,
			Duration keepAlive) {
		return new ValenceProperties(URI.create(url), username, password, null, Duration.ofSeconds(1), readTimeout,
				readTimeout.plusSeconds(1), keepAlive, new ValenceProperties.Retry(3, Duration.ofMillis(5), 2.0));
	}

	@Test
	void nodeDetailIsTranslatedIntoTheProtocolsWords() {
		valence.stubFor(get(NODE_PATH).willReturn(okJson(read("valence/node-detail.json"))));

		ValenceNode node = client().getNode(NODE, SOON);

		assertThat(node.uuid()).isEqualTo(NODE);
		assertThat(node.powerState()).isEqualTo(PowerState.POWER_ON);
		assertThat(node.bootDevice()).isEqualTo(BootDevice.PXE);
		assertThat(node.health()).isEqualTo("OK");
		assertThat(node.nodeState()).isEqualTo("Assembled");
		assertThat(node.cpus()).isEqualTo(16);
		assertThat(node.memoryMb()).isEqualTo(32768);
		assertThat(node.cpuArch()).isEqualTo("x86_64");
		assertThat(node.macs()).containsExactly("aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02");
	}

	@Test
	void nodeWithoutMetadataHasAnEmptyInventory() {
		valence.stubFor(get(NODE_PATH).willReturn(okJson("{\"uuid\": \"" + NODE + "\", \"node_power_state\": null}")));

		ValenceNode node = client().getNode(NODE, SOON);

		assertThat(node.powerState()).isEqualTo(PowerState.ERROR);
		assertThat(node.cpus()).isNull();
		assertThat(node.memoryMb()).isNull();
		assertThat(node.cpuArch()).isNull();
		assertThat(node.macs()).isEmpty();
	}

	@Test
	void nodeListIsReadAsABareArray() {
		valence.stubFor(get("/v1/nodes").willReturn(okJson(
				"[{\"uuid\": \"a1\", \"name\": \"n1\", \"index\": \"1\", \"links\": []}, {\"uuid\": \"a2\", \"name\": \"n2\", \"index\": \"2\"}]")));

		assertThat(client().listNodes(SOON)).containsExactly(new ValenceNodeSummary("a1", "n1", "1"),
				new ValenceNodeSummary("a2", "n2", "2"));
	}

	@Test
	void nodeListIsReadFromANodesWrapper() {
		valence.stubFor(get("/v1/nodes").willReturn(okJson("{\"nodes\": [{\"uuid\": \"a1\", \"name\": \"n1\"}]}")));

		assertThat(client().listNodes(SOON)).containsExactly(new ValenceNodeSummary("a1", "n1", null));
	}

	@Test
	void nodeListOfAnotherShapeIsABadResponse() {
		valence.stubFor(get("/v1/nodes").willReturn(okJson("{\"items\": []}")));

		assertThatThrownBy(() -> client().listNodes(SOON)).isInstanceOf(ValenceException.BadResponse.class)
			.hasMessageContaining("neither an array");
	}

	@Test
	void probeNamesTheCurrentVersion() {
		valence.stubFor(get("/").willReturn(okJson(read("valence/root.json"))));

		assertThat(client().probe(SOON).id()).isEqualTo("v1.0");
	}

	@Test
	void unknownNodeIsNodeNotFoundWithValencesDetail() {
		valence.stubFor(get(NODE_PATH).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(valenceError(404, "Resource could not be found",
					"Composed node '" + NODE + "' not found in database."))));

		assertThatThrownBy(() -> client().getNode(NODE, SOON)).isInstanceOf(ValenceException.NodeNotFound.class)
			.hasMessageContaining("Composed node '" + NODE + "' not found in database.");
		valence.verify(1, getRequestedFor(urlPathEqualTo(NODE_PATH)));
		assertThat(calls("operation", "get_node", "method", "GET", "uri", "/v1/nodes/{id}", "status", "404", "outcome",
				"CLIENT_ERROR"))
			.isEqualTo(1);
	}

	@Test
	void badRequestIsRejectedWithValencesDetailAndNotRetried() {
		valence.stubFor(post(ACTION_PATH).willReturn(aResponse().withStatus(400)
			.withBody(valenceError(400, "Validation Error", "'GracefulRestart' is not one of ['On', 'ForceOff']"))));

		assertThatThrownBy(() -> client().reset(NODE, ResetType.GRACEFUL_RESTART, SOON))
			.isInstanceOf(ValenceException.Rejected.class)
			.hasMessageContaining("Validation Error: 'GracefulRestart' is not one of ['On', 'ForceOff']");
		valence.verify(1, postRequestedFor(urlPathEqualTo(ACTION_PATH)));
	}

	@Test
	void serverErrorOfAReadIsRetriedThenReportedWithValencesDetail() {
		valence.stubFor(get(NODE_PATH).willReturn(aResponse().withStatus(500)
			.withBody(valenceError(500, "ConnectionError", "Unable to reach the pod manager"))));

		assertThatThrownBy(() -> client().getNode(NODE, SOON)).isInstanceOf(ValenceException.ServerError.class)
			.hasMessageContaining("500")
			.hasMessageContaining("Unable to reach the pod manager");
		valence.verify(3, getRequestedFor(urlPathEqualTo(NODE_PATH)));
		assertThat(calls("operation", "get_node", "status", "500", "outcome", "SERVER_ERROR")).isEqualTo(3);
		assertThat(reads("get_node", "failed_with_retry")).isEqualTo(1);
	}

	@Test
	void serverErrorWithoutAnErrorObjectStillSaysWhatHappened() {
		valence.stubFor(post(ACTION_PATH).willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>")));

		assertThatThrownBy(() -> client().reset(NODE, ResetType.ON, SOON))
			.isInstanceOf(ValenceException.ServerError.class)
			.hasMessageContaining("502")
			.hasMessageContaining("not a Valence error object");
	}

	@Test
	void readSucceedsWhenARetryDoes() {
		valence.stubFor(get(NODE_PATH).inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503).withBody(valenceError(503, "Unavailable", "busy")))
			.willSetStateTo("recovered"));
		valence.stubFor(get(NODE_PATH).inScenario("flaky")
			.whenScenarioStateIs("recovered")
			.willReturn(okJson(read("valence/node-detail.json"))));

		assertThat(client().getNode(NODE, SOON).uuid()).isEqualTo(NODE);
		valence.verify(2, getRequestedFor(urlPathEqualTo(NODE_PATH)));
		assertThat(reads("get_node", "successful_with_retry")).isEqualTo(1);
		assertThat(reads("get_node", "successful_without_retry")).isZero();
	}

	@Test
	void flavorsAreReadWithTheirPropertiesAsValenceWritesThem() {
		valence.stubFor(get("/v1/flavors").willReturn(okJson("""
				[{"uuid": "f1", "name": "small", "description": "2 cores", "extra": 1,
				  "properties": {"processor": {"total_cores": "2"}, "memory": {"capacity_mib": "8192"}}}]
				""")));

		assertThat(client().listFlavors(SOON))
			.containsExactly(new ValenceFlavor("f1", "small", "2 cores", new ValenceFlavor.Properties(
					new ValenceFlavor.Processor("2", null), new ValenceFlavor.Memory("8192", null))));
	}

	@Test
	void flavorListOfAnotherShapeIsABadResponse() {
		valence.stubFor(get("/v1/flavors").willReturn(okJson("{\"flavors\": []}")));

		assertThatThrownBy(() -> client().listFlavors(SOON)).isInstanceOf(ValenceException.BadResponse.class);
	}

	@Test
	void composeSendsValencesSchemaWithNumbersAsStrings() {
		valence.stubFor(post("/v1/nodes").willReturn(okJson("{\"uuid\": \"" + NODE + "\", \"name\": \"web-1\"}")));

		ValenceNodeSummary node = client().compose(Composition.ofHardware("web-1", null, 8, 32768), SOON);

		assertThat(node.uuid()).isEqualTo(NODE);
		valence.verify(postRequestedFor(urlPathEqualTo("/v1/nodes")).withRequestBody(equalToJson(
				"""
						{"name": "web-1", "properties": {"processor": {"total_cores": "8"}, "memory": {"capacity_mib": "32768"}}}
						""",
				false, false)));
	}

	@Test
	void composeByFlavorNamesOnlyTheFlavor() {
		valence.stubFor(post("/v1/nodes").willReturn(okJson("{\"uuid\": \"" + NODE + "\"}")));

		client().compose(Composition.ofFlavor("web-1", "front end", "f1"), SOON);

		valence.verify(postRequestedFor(urlPathEqualTo("/v1/nodes")).withRequestBody(equalToJson("""
				{"name": "web-1", "description": "front end", "flavor_id": "f1"}
				""", false, false)));
	}

	@Test
	void composeIsNeverRetried() {
		valence.stubFor(post("/v1/nodes").willReturn(aResponse().withStatus(503)));

		assertThatThrownBy(() -> client().compose(Composition.ofFlavor("web-1", null, "f1"), SOON))
			.isInstanceOf(ValenceException.ServerError.class);
		valence.verify(1, postRequestedFor(urlPathEqualTo("/v1/nodes")));
	}

	@Test
	void composeAnswerWithoutAUsableUuidIsABadResponse() {
		valence.stubFor(post("/v1/nodes").willReturn(okJson("{\"uuid\": \"../x\"}")));

		assertThatThrownBy(() -> client().compose(Composition.ofFlavor("web-1", null, "f1"), SOON))
			.isInstanceOf(ValenceException.BadResponse.class)
			.hasMessageContaining("no usable node uuid");
	}

	@Test
	void deleteOfAnUnknownNodeIsNodeNotFoundAndNotRetried() {
		valence.stubFor(delete(NODE_PATH)
			.willReturn(aResponse().withStatus(404).withBody(valenceError(404, "Not Found", "no such node"))));

		assertThatThrownBy(() -> client().deleteNode(NODE, SOON)).isInstanceOf(ValenceException.NodeNotFound.class)
			.hasMessageContaining("no such node");
		valence.verify(1, deleteRequestedFor(urlPathEqualTo(NODE_PATH)));
	}

	@Test
	void actionIsNeverRetried() {
		valence.stubFor(post(ACTION_PATH).willReturn(aResponse().withStatus(503)));

		assertThatThrownBy(() -> client().reset(NODE, ResetType.FORCE_OFF, SOON))
			.isInstanceOf(ValenceException.ServerError.class);
		valence.verify(1, postRequestedFor(urlPathEqualTo(ACTION_PATH)));
	}

	@Test
	void actionWhoseConnectionIsResetIsNotResent() {
		valence.stubFor(post(ACTION_PATH).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		assertThatThrownBy(() -> client().reset(NODE, ResetType.ON, SOON))
			.isInstanceOf(ValenceException.Unreachable.class);
		valence.verify(1, postRequestedFor(urlPathEqualTo(ACTION_PATH)));
	}

	@Test
	void connectionResetIsUnreachable() {
		valence.stubFor(get(NODE_PATH).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		assertThatThrownBy(() -> client().getNode(NODE, SOON)).isInstanceOf(ValenceException.Unreachable.class)
			.hasMessageContaining("GET " + NODE_PATH);
	}

	@Test
	void emptyReplyIsUnreachable() {
		valence.stubFor(get(NODE_PATH).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

		assertThatThrownBy(() -> client().getNode(NODE, SOON)).isInstanceOf(ValenceException.Unreachable.class);
	}

	@Test
	void refusedConnectionIsUnreachable() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		OkHttpValenceClient client = client(
				properties("http://127.0.0.1:" + closedPort, null, null, Duration.ofSeconds(1)));

		assertThatThrownBy(() -> client.getNode(NODE, SOON)).isInstanceOf(ValenceException.Unreachable.class)
			.hasMessageContaining("ConnectException");
		assertThat(calls("operation", "get_node", "uri", "/v1/nodes/{id}", "status", "IO_ERROR", "outcome", "UNKNOWN",
				"target.port", String.valueOf(closedPort)))
			.isEqualTo(3);
	}

	@Test
	void malformedJsonIsABadResponseAndNotRetried() {
		valence.stubFor(get(NODE_PATH).willReturn(okJson("{\"uuid\": \"" + NODE + "\", \"node_power_state\": ")));

		assertThatThrownBy(() -> client().getNode(NODE, SOON)).isInstanceOf(ValenceException.BadResponse.class)
			.hasMessageContaining("not the expected JSON");
		valence.verify(1, getRequestedFor(urlPathEqualTo(NODE_PATH)));
	}

	@Test
	void nodeDetailWithoutUuidIsABadResponse() {
		valence.stubFor(get(NODE_PATH).willReturn(okJson("{\"name\": \"x\"}")));

		assertThatThrownBy(() -> client().getNode(NODE, SOON)).isInstanceOf(ValenceException.BadResponse.class)
			.hasMessageContaining("no uuid");
	}

	@Test
	void answerSlowerThanTheReadTimeoutIsATimeout() {
		valence.stubFor(post(ACTION_PATH).willReturn(aResponse().withStatus(204).withFixedDelay(1500)));
		OkHttpValenceClient client = client(properties(valence.baseUrl(), null, null, Duration.ofMillis(300)));

		assertThatThrownBy(() -> client.reset(NODE, ResetType.ON, SOON)).isInstanceOf(ValenceException.Timeout.class)
			.hasMessageContaining("within the read timeout of 0.3 s")
			.hasMessageNotContaining("call timeout");
		assertThat(calls("operation", "reset", "uri", "/v1/nodes/{id}/action", "status", "IO_ERROR")).isEqualTo(1);
	}

	@Test
	void answerSlowerThanTheDeadlineNamesTheRequestsBudget() {
		valence.stubFor(post(ACTION_PATH).willReturn(aResponse().withStatus(204).withFixedDelay(1500)));
		OkHttpValenceClient client = client(properties(valence.baseUrl(), null, null, Duration.ofSeconds(2)));

		assertThatThrownBy(() -> client.reset(NODE, ResetType.ON, Deadline.after(Duration.ofMillis(500))))
			.isInstanceOf(ValenceException.Timeout.class)
			.hasMessageContaining("within what was left of the request's time budget of 0.5 s")
			.hasMessageNotContaining("read timeout");
	}

	@Test
	void resetSendsExactlyOneResetAction() {
		valence.stubFor(post(ACTION_PATH).willReturn(aResponse().withStatus(204)));
		OkHttpValenceClient client = client();

		client.reset(NODE, ResetType.ON, SOON);
		client.reset(NODE, ResetType.FORCE_OFF, SOON);
		client.reset(NODE, ResetType.GRACEFUL_RESTART, SOON);

		for (String type : List.of("On", "ForceOff", "GracefulRestart")) {
			valence.verify(1, postRequestedFor(urlPathEqualTo(ACTION_PATH))
				.withRequestBody(equalToJson("{\"Reset\": {\"Type\": \"" + type + "\"}}")));
		}
	}

	@Test
	void persistentPxeIsAContinuousPxeOverride() {
		valence.stubFor(post(ACTION_PATH).willReturn(aResponse().withStatus(204)));

		client().setBootOverride(NODE, BootDevice.PXE, true, SOON);

		valence.verify(1, postRequestedFor(urlPathEqualTo(ACTION_PATH))
			.withRequestBody(equalToJson("{\"Boot\": {\"Enabled\": \"Continuous\", \"Target\": \"Pxe\"}}")));
	}

	@Test
	void oneTimeDiskIsAOnceHddOverride() {
		valence.stubFor(post(ACTION_PATH).willReturn(aResponse().withStatus(204)));

		client().setBootOverride(NODE, BootDevice.DISK, false, SOON);

		valence.verify(1, postRequestedFor(urlPathEqualTo(ACTION_PATH))
			.withRequestBody(equalToJson("{\"Boot\": {\"Enabled\": \"Once\", \"Target\": \"Hdd\"}}")));
	}

	@Test
	void hostileNodeIdNeverReachesValence() {
		assertThatThrownBy(() -> client().getNode("../pod_managers", SOON)).isInstanceOf(ValenceArgumentException.class)
			.hasMessageContaining(Protocol.NODE_ID_PATTERN);
		assertThatThrownBy(() -> client().reset("..%2Fpod_managers", ResetType.ON, SOON))
			.isInstanceOf(ValenceArgumentException.class);
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	/**
	 * Put where the web layer's filter puts it: the client reads the same MDC key without
	 * importing web.
	 */
	@Test
	void requestIdIsForwardedToValence() {
		valence.stubFor(get(NODE_PATH).willReturn(okJson(read("valence/node-detail.json"))));
		MDC.put(RequestIds.MDC_KEY, "req-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0");

		client().getNode(NODE, SOON);

		valence.verify(getRequestedFor(urlPathEqualTo(NODE_PATH)).withHeader(Protocol.REQUEST_ID_HEADER,
				equalTo("req-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")));
	}

	@Test
	void basicAuthIsSentWhenConfiguredAndThePasswordIsNeverLogged(CapturedOutput output) {
		valence.stubFor(get(NODE_PATH).willReturn(aResponse().withStatus(500).withBody("oops")));
		ValenceProperties properties = properties(valence.baseUrl(), "valence-admin", PASSWORD, Duration.ofSeconds(1));

		assertThatThrownBy(() -> client(properties).getNode(NODE, SOON))
			.isInstanceOf(ValenceException.ServerError.class)
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(PASSWORD));

		valence.verify(3, getRequestedFor(urlPathEqualTo(NODE_PATH))
			.withBasicAuth(new BasicCredentials("valence-admin", PASSWORD)));
		assertThat(properties.toString()).doesNotContain(PASSWORD);
		assertThat(output.getAll()).contains("retrying").doesNotContain(PASSWORD);
	}

	@Test
	void noAuthorizationHeaderWithoutCredentials() {
		valence.stubFor(get(NODE_PATH).willReturn(okJson(read("valence/node-detail.json"))));

		client().getNode(NODE, SOON);

		valence.verify(getRequestedFor(urlPathEqualTo(NODE_PATH)).withoutHeader("Authorization"));
	}

	@Test
	void everyCallIsTimedByOperationAndStatus() {
		valence.stubFor(get(NODE_PATH).willReturn(okJson(read("valence/node-detail.json"))));
		valence.stubFor(get("/").willReturn(okJson(read("valence/root.json"))));
		OkHttpValenceClient client = client();

		client.getNode(NODE, SOON);
		client.probe(SOON);

		assertThat(calls("operation", "get_node", "method", "GET", "uri", "/v1/nodes/{id}", "status", "200", "outcome",
				"SUCCESS", "target.scheme", "http", "target.host", "localhost", "target.port",
				String.valueOf(valence.getPort())))
			.isEqualTo(1);
		assertThat(calls("operation", "probe", "uri", "/")).isEqualTo(1);
		assertThat(reads("get_node", "successful_without_retry")).isEqualTo(1);
		assertThat(this.meters.find("valence.upstream.requests").tagKeys("host").timer()).isNull();
	}

}
