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

package org.openstack.valence.emulator.node;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openstack.valence.emulator.RunningEmulator;
import org.openstack.valence.emulator.MutableClock;
import org.openstack.valence.emulator.TestClockConfiguration;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openstack.valence.emulator.EmulatorClient.json;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "emulator.node-count=3", "emulator.seed=5", "emulator.transition-delay=10s",
				"emulator.unmanaged-count=1" })
@Import(TestClockConfiguration.class)
class NodeApiHttpTest extends RunningEmulator {

	private static final Duration DELAY = Duration.ofSeconds(10);

	private static final String NODE = "/v1/nodes/" + NodeInventory.uuidOf(5, 1);

	@Autowired
	MutableClock clock;

	@Test
	void listIsABareArrayOfBriefNodes() throws IOException {
		HttpResponse<String> response = this.client.get("/v1/nodes");

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode list = json(response);
		assertThat(list.isArray()).isTrue();
		assertThat(list.size()).isEqualTo(3);
		JsonNode first = list.get(0);
		assertThat(first.propertyNames()).containsExactly("uuid", "name", "index", "links");
		assertThat(first.get("uuid").stringValue()).isEqualTo(NodeInventory.uuidOf(5, 1).toString());
		assertThat(first.get("index").stringValue()).isEqualTo("1");
		assertThat(first.get("links").get(0).get("href").stringValue())
			.isEqualTo("http://127.0.0.1:" + this.port + NODE);
	}

	@Test
	void detailHasValencesFieldsAndTimestampFormat() throws IOException {
		JsonNode node = json(this.client.get(NODE));

		assertThat(node.propertyNames()).containsExactlyInAnyOrder("uuid", "name", "index", "description",
				"resource_uri", "node_power_state", "node_state", "boot_source", "target_boot_source", "health_status",
				"pooled_group_id", "metadata", "computer_system", "links", "created_at", "updated_at");
		assertThat(node.get("node_power_state").stringValue()).isEqualTo("Off");
		assertThat(node.get("node_state").stringValue()).isEqualTo("Assembled");
		assertThat(node.get("boot_source").stringValue()).isEqualTo("Hdd");
		assertThat(node.get("target_boot_source").stringValue()).isEqualTo("Hdd");
		assertThat(node.get("health_status").stringValue()).isEqualTo("OK");
		assertThat(node.get("pooled_group_id").isNull()).isTrue();
		assertThat(node.get("created_at").stringValue()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC");
		assertThat(node.get("computer_system").get("@odata.id").stringValue()).isEqualTo("/redfish/v1/Systems/1");
		JsonNode metadata = node.get("metadata");
		assertThat(metadata.propertyNames()).containsExactly("processor", "memory", "network");
		assertThat(metadata.get("processor").get(0).propertyNames()).containsExactly("instruction_set", "model",
				"speed_mhz", "total_core");
		assertThat(metadata.get("memory").get(0).propertyNames()).containsExactly("data_width_bit", "speed_mhz",
				"total_memory_mb");
		assertThat(metadata.get("network").get(0).propertyNames()).contains("speed_mbps", "mac", "status", "ipv4");
		assertThat(metadata.get("network").get(0).get("ipv4").get(0).propertyNames()).containsExactly("address",
				"subnet_mask", "gateway");
	}

	@Test
	void unknownNodeIs404WithValencesErrorShape() throws IOException {
		HttpResponse<String> response = this.client.get("/v1/nodes/00000000-0000-0000-0000-000000000000");

		assertThat(response.statusCode()).isEqualTo(404);
		JsonNode error = json(response);
		assertThat(error.propertyNames()).containsExactly("request_id", "code", "status", "title", "detail");
		assertThat(error.get("code").stringValue()).isEqualTo("Not Found");
		assertThat(error.get("status").intValue()).isEqualTo(404);
		assertThat(error.get("title").stringValue()).isEqualTo("Resource could not be found");
		assertThat(error.get("detail").stringValue())
			.isEqualTo("Composed node '00000000-0000-0000-0000-000000000000' not found in database.");
	}

	@Test
	void actionOnUnknownNodeIs404() throws IOException {
		HttpResponse<String> response = this.client.post("/v1/nodes/nope/action", "{\"Reset\": {\"Type\": \"On\"}}");

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(json(response).get("title").stringValue()).isEqualTo("Resource could not be found");
	}

	@Test
	void requestIdFromTheClientIsEchoedInHeaderAndError() throws IOException {
		HttpResponse<String> response = this.client
			.send(this.client.request("/v1/nodes/nope").header("X-Openstack-Request-Id", "req-abc-123").GET());

		assertThat(response.headers().firstValue("X-Openstack-Request-Id")).contains("req-abc-123");
		assertThat(json(response).get("request_id").stringValue()).isEqualTo("req-abc-123");
	}

	@Test
	void acceptedActionAnswers204WithAnEmptyBody() throws IOException {
		HttpResponse<String> response = this.client.post(NODE + "/action", "{\"Reset\": {\"Type\": \"On\"}}");

		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(response.body()).isEmpty();
	}

	@Test
	void schemaViolationAnswers400ValidationErrorAndChangesNothing() throws IOException {
		HttpResponse<String> response = this.client.post(NODE + "/action",
				"{\"Reset\": {\"Type\": \"GracefulShutdown\"}}");

		assertThat(response.statusCode()).isEqualTo(400);
		JsonNode error = json(response);
		assertThat(error.propertyNames()).containsExactly("request_id", "code", "status", "title", "detail");
		assertThat(error.get("code").stringValue()).isEqualTo("Bad Request");
		assertThat(error.get("title").stringValue()).isEqualTo("Validation Error");
		assertThat(error.get("detail").stringValue()).contains("GracefulShutdown");
		assertThat(powerState()).isEqualTo("Off");
	}

	@Test
	void actionSentAsFormDataIs400NamingTheContentType() throws IOException {
		HttpResponse<String> response = this.client.send(this.client.request(NODE + "/action")
			.setHeader("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("{\"Reset\": {\"Type\": \"On\"}}")));

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json(response).get("detail").stringValue()).isEqualTo(
				"Request body must be JSON (Content-Type: application/json), got Content-Type application/x-www-form-urlencoded");
		assertThat(powerState()).isEqualTo("Off");
	}

	@Test
	void gracefulRestartOfAnOffNodeIs409() throws IOException {
		HttpResponse<String> response = this.client.post(NODE + "/action",
				"{\"Reset\": {\"Type\": \"GracefulRestart\"}}");

		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(json(response).get("code").stringValue()).isEqualTo("Conflict");
	}

	@Test
	void powerOnIsReachedAfterTheTransitionDelay() throws IOException {
		this.client.post(NODE + "/action", "{\"Reset\": {\"Type\": \"On\"}}");
		assertThat(powerState()).isEqualTo("PoweringOn");

		this.clock.advance(DELAY);

		assertThat(powerState()).isEqualTo("On");
	}

	@Test
	void gracefulRestartIsSeenAsPoweringOffPoweringOnOn() throws IOException {
		this.client.post("/emulator/nodes/" + NodeInventory.uuidOf(5, 1) + "/power", "{\"state\": \"On\"}");

		this.client.post(NODE + "/action", "{\"Reset\": {\"Type\": \"GracefulRestart\"}}");
		assertThat(powerState()).isEqualTo("PoweringOff");
		this.clock.advance(DELAY);
		assertThat(powerState()).isEqualTo("PoweringOn");
		this.clock.advance(DELAY);
		assertThat(powerState()).isEqualTo("On");
	}

	@Test
	void onceBootOverrideIsConsumedByTheNextBoot() throws IOException {
		this.client.post(NODE + "/action", "{\"Boot\": {\"Enabled\": \"Once\", \"Target\": \"Pxe\"}}");
		assertThat(json(this.client.get(NODE)).get("boot_source").stringValue()).isEqualTo("Pxe");

		this.client.post(NODE + "/action", "{\"Reset\": {\"Type\": \"On\"}}");
		this.clock.advance(DELAY);

		assertThat(json(this.client.get(NODE)).get("boot_source").stringValue()).isEqualTo("Hdd");
	}

	@Test
	void composedNodeWalksToAssembled() throws IOException {
		HttpResponse<String> created = this.client.post("/v1/nodes",
				"{\"name\": \"new-node\", \"description\": \"test\", \"properties\": "
						+ "{\"memory\": {\"capacity_mib\": \"8000\", \"type\": \"DDR4\"}, "
						+ "\"processor\": {\"total_cores\": \"2\"}}}");

		assertThat(created.statusCode()).isEqualTo(200);
		JsonNode brief = json(created);
		assertThat(brief.propertyNames()).containsExactly("uuid", "name", "index", "links");
		assertThat(brief.get("name").stringValue()).isEqualTo("new-node");
		String path = "/v1/nodes/" + brief.get("uuid").stringValue();
		assertThat(nodeState(path)).isEqualTo("Allocating");
		this.clock.advance(DELAY);
		assertThat(nodeState(path)).isEqualTo("Allocated");
		this.clock.advance(DELAY);
		assertThat(nodeState(path)).isEqualTo("Assembling");
		this.clock.advance(DELAY);
		assertThat(nodeState(path)).isEqualTo("Assembled");
	}

	@Test
	void composeWithAKnownFlavorIsAccepted() throws IOException {
		String flavor = json(this.client.get("/v1/flavors")).get(0).get("uuid").stringValue();

		HttpResponse<String> created = this.client.post("/v1/nodes",
				"{\"name\": \"flavored\", \"flavor_id\": \"" + flavor + "\"}");

		assertThat(created.statusCode()).isEqualTo(200);
	}

	@Test
	void composeWithAnUnknownFlavorIs404() throws IOException {
		HttpResponse<String> created = this.client.post("/v1/nodes",
				"{\"name\": \"x\", \"flavor_id\": \"no-such-flavor\"}");

		assertThat(created.statusCode()).isEqualTo(404);
	}

	@Test
	void composeRejectsAnUnknownKeyNestedInProperties() throws IOException {
		HttpResponse<String> created = this.client.post("/v1/nodes",
				"{\"name\": \"x\", \"properties\": {\"memory\": {\"capacity_gb\": \"8\"}}}");

		assertThat(created.statusCode()).isEqualTo(400);
		assertThat(json(created).get("detail").stringValue())
			.isEqualTo("Additional properties are not allowed ('capacity_gb' was unexpected) (at properties.memory)");
	}

	@Test
	void composeRejectsFlavorAndPropertiesTogether() throws IOException {
		HttpResponse<String> created = this.client.post("/v1/nodes",
				"{\"name\": \"x\", \"flavor_id\": \"f\", \"properties\": {}}");

		assertThat(created.statusCode()).isEqualTo(400);
	}

	@Test
	void composeNeedsAName() throws IOException {
		HttpResponse<String> created = this.client.post("/v1/nodes", "{\"description\": \"x\"}");

		assertThat(created.statusCode()).isEqualTo(400);
		assertThat(json(created).get("detail").stringValue()).isEqualTo("'name' is a required property");
	}

	@Test
	void deleteAnswersValencesConfirmationAndTheNodeIsGone() throws IOException {
		HttpResponse<String> deleted = this.client.delete(NODE);

		assertThat(deleted.statusCode()).isEqualTo(200);
		JsonNode confirmation = json(deleted);
		assertThat(confirmation.propertyNames()).containsExactly("request_id", "code", "detail");
		assertThat(confirmation.get("code").stringValue()).isEqualTo("DELETED");
		assertThat(this.client.get(NODE).statusCode()).isEqualTo(404);
	}

	@Test
	void manageAdoptsAPodmNodeOnceAndThenConflicts() throws IOException {
		HttpResponse<String> managed = this.client.post("/v1/nodes/manage", "{\"node_index\": \"4\"}");
		HttpResponse<String> again = this.client.post("/v1/nodes/manage", "{\"node_index\": \"4\"}");

		assertThat(managed.statusCode()).isEqualTo(200);
		assertThat(json(managed).get("uuid").stringValue()).isEqualTo(NodeInventory.uuidOf(5, 4).toString());
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(json(again).get("code").stringValue()).isEqualTo("Conflict");
	}

	@Test
	void manageNamingAnUnknownPodManagerIs404() throws IOException {
		HttpResponse<String> response = this.client.post("/v1/nodes/manage",
				"{\"node_index\": \"4\", \"podm_id\": \"no-such-podm\"}");

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(json(response).get("detail").stringValue())
			.isEqualTo("Pod manager 'no-such-podm' not found in database.");
	}

	@Test
	void composeOnTheListedPodManagerIsAccepted() throws IOException {
		String podm = json(this.client.get("/v1/pod_managers")).get(0).get("uuid").stringValue();

		HttpResponse<String> created = this.client.post("/v1/nodes",
				"{\"name\": \"on-podm\", \"podm_id\": \"" + podm + "\"}");

		assertThat(created.statusCode()).isEqualTo(200);
	}

	@Test
	void manageNeedsAStringIndex() throws IOException {
		HttpResponse<String> response = this.client.post("/v1/nodes/manage", "{\"node_index\": 4}");

		assertThat(response.statusCode()).isEqualTo(400);
	}

	@Test
	void catalogCollectionsAreArrays() throws IOException {
		for (String path : List.of("/v1/flavors", "/v1/systems", "/v1/pod_managers")) {
			HttpResponse<String> response = this.client.get(path);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(json(response).isArray()).as(path).isTrue();
			assertThat(json(response).size()).as(path).isPositive();
		}
	}

	@Test
	void rootAndVersionDocumentsDescribeV1() throws IOException {
		JsonNode root = json(this.client.get("/"));
		JsonNode v1 = json(this.client.get("/v1"));

		assertThat(root.get("name").stringValue()).isEqualTo("OpenStack Valence API");
		assertThat(root.get("versions").get(0).get("id").stringValue()).isEqualTo("v1");
		assertThat(root.get("versions").get(0).get("status").stringValue()).isEqualTo("CURRENT");
		assertThat(v1.get("id").stringValue()).isEqualTo("v1");
	}

	@Test
	void unknownPathIs404InValencesShape() throws IOException {
		HttpResponse<String> response = this.client.get("/v1/racks");

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(json(response).get("title").stringValue()).isEqualTo("Resource could not be found");
	}

	@Test
	void outOfBandPowerIsImmediateAndVisibleToValenceClients() throws IOException {
		HttpResponse<String> response = this.client.post("/emulator/nodes/" + NodeInventory.uuidOf(5, 1) + "/power",
				"{\"state\": \"On\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json(response).get("power_state").stringValue()).isEqualTo("On");
		assertThat(powerState()).isEqualTo("On");
	}

	@Test
	void outOfBandPowerAcceptsOnlyOnOrOff() throws IOException {
		HttpResponse<String> response = this.client.post("/emulator/nodes/" + NodeInventory.uuidOf(5, 1) + "/power",
				"{\"state\": \"PoweringOn\"}");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json(response).get("detail").stringValue())
			.isEqualTo("\"PoweringOn\" is not one of ['On', 'Off'] (at state)");
	}

	@Test
	void emulatorStateShowsBootModeAndTheActionsReceived() throws IOException {
		this.client.post(NODE + "/action", "{\"Boot\": {\"Enabled\": \"Once\", \"Target\": \"Pxe\"}}");
		this.client.post(NODE + "/action", "{\"Reset\": {\"Type\": \"ForceRestart\"}}");

		JsonNode state = json(this.client.get("/emulator/nodes/" + NodeInventory.uuidOf(5, 1)));

		assertThat(state.get("power_state").stringValue()).isEqualTo("Off");
		assertThat(state.get("boot_source").stringValue()).isEqualTo("Pxe");
		assertThat(state.get("boot_enabled").stringValue()).isEqualTo("Once");
		JsonNode actions = state.get("actions");
		assertThat(actions.size()).isEqualTo(2);
		assertThat(actions.get(0).get("body").get("Boot").get("Target").stringValue()).isEqualTo("Pxe");
		assertThat(actions.get(0).get("status").intValue()).isEqualTo(204);
		assertThat(actions.get(1).get("status").intValue()).isEqualTo(400);
		assertThat(state.get("actions_received").intValue()).isEqualTo(2);
	}

	@Test
	void actionBodyThatIsNotJsonIsKeptAsText() throws IOException {
		this.client.post(NODE + "/action", "{\"Reset\": ");

		JsonNode action = json(this.client.get("/emulator/nodes/" + NodeInventory.uuidOf(5, 1))).get("actions").get(0);

		assertThat(action.get("body").stringValue()).isEqualTo("{\"Reset\": ");
		assertThat(action.get("status").intValue()).isEqualTo(400);
	}

	@Test
	void compositionFailsWhileThePodManagerCannotAllocate() throws IOException {
		int before = json(this.client.get("/v1/nodes")).size();
		HttpResponse<String> set = this.client.put("/emulator/podm", "{\"allocation_fails\": true}");

		HttpResponse<String> created = this.client.post("/v1/nodes", "{\"name\": \"starved\"}");

		assertThat(json(set).get("allocation_fails").booleanValue()).isTrue();
		assertThat(created.statusCode()).isEqualTo(409);
		assertThat(json(created).get("detail").stringValue()).contains("could not allocate", "'starved'");
		assertThat(json(this.client.get("/v1/nodes")).size()).isEqualTo(before);

		this.client.put("/emulator/podm", "{}");
		assertThat(this.client.post("/v1/nodes", "{\"name\": \"fed\"}").statusCode()).isEqualTo(200);
	}

	@Test
	void podManagerControlIsStrict() throws IOException {
		HttpResponse<String> unknown = this.client.put("/emulator/podm", "{\"allocation_fail\": true}");
		HttpResponse<String> notBoolean = this.client.put("/emulator/podm", "{\"allocation_fails\": 1}");

		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(notBoolean.statusCode()).isEqualTo(400);
		assertThat(json(this.client.get("/emulator/podm")).get("allocation_fails").booleanValue()).isFalse();
	}

	@Test
	void resetUndoesChanges() throws IOException {
		this.client.post(NODE + "/action", "{\"Reset\": {\"Type\": \"On\"}}");
		this.client.delete("/v1/nodes/" + NodeInventory.uuidOf(5, 2));
		this.client.put("/emulator/podm", "{\"allocation_fails\": true}");

		this.client.post("/emulator/reset", "");

		assertThat(powerState()).isEqualTo("Off");
		assertThat(json(this.client.get("/v1/nodes")).size()).isEqualTo(3);
		assertThat(json(this.client.get("/emulator/nodes/" + NodeInventory.uuidOf(5, 1))).get("actions").size())
			.isZero();
		assertThat(json(this.client.get("/emulator/podm")).get("allocation_fails").booleanValue()).isFalse();
	}

	private String powerState() throws IOException {
		return json(this.client.get(NODE)).get("node_power_state").stringValue();
	}

	private String nodeState(String path) throws IOException {
		return json(this.client.get(path)).get("node_state").stringValue();
	}

}
