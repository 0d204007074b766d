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

package org.openstack.valence.emulator.fault;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openstack.valence.emulator.RunningEmulator;
import org.openstack.valence.emulator.node.NodeInventory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.openstack.valence.emulator.EmulatorClient.json;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "emulator.node-count=2", "emulator.transition-delay=0" })
class FaultHttpTest extends RunningEmulator {

	/** Enough tries that a wrong rate would show, few enough to stay quick. */
	private static final int TRIES = 20;

	private static final String NODE_1 = "/v1/nodes/" + NodeInventory.uuidOf(1, 1);

	private static final String NODE_2 = "/v1/nodes/" + NodeInventory.uuidOf(1, 2);

	private static final String NODE_1_FAULTS = "/emulator/nodes/" + NodeInventory.uuidOf(1, 1) + "/faults";

	@Test
	void noFaultsByDefault() throws IOException {
		JsonNode faults = json(this.client.get("/emulator/faults"));

		assertThat(faults.toString()).isEqualTo(
				"{\"latency_ms\":0,\"error_rate\":0.0,\"down\":false,\"malformed_body\":false,\"drop_connection\":false}");
	}

	@Test
	void putAnswersTheSettingsNowInForce() throws IOException {
		HttpResponse<String> response = this.client.put("/emulator/faults", "{\"latency_ms\": 5, \"down\": true}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json(response).get("latency_ms").intValue()).isEqualTo(5);
		assertThat(json(response).get("down").booleanValue()).isTrue();
		assertThat(json(response).get("error_rate").doubleValue()).isZero();
	}

	@Test
	void droppedConnectionGivesNoResponseAtAll() throws IOException {
		this.client.put("/emulator/faults", "{\"drop_connection\": true}");

		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.client.get("/v1/nodes"));
	}

	@Test
	void droppedConnectionDoesNotRunTheAction() throws IOException {
		this.client.put(NODE_1_FAULTS, "{\"drop_connection\": true}");

		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.client.post(NODE_1 + "/action", "{\"Reset\": {\"Type\": \"On\"}}"));
		this.client.delete(NODE_1_FAULTS);

		assertThat(json(this.client.get(NODE_1)).get("node_power_state").stringValue()).isEqualTo("Off");
	}

	@Test
	void downAnswers503InValencesErrorShape() throws IOException {
		this.client.put("/emulator/faults", "{\"down\": true}");

		HttpResponse<String> response = this.client.get(NODE_1);

		assertThat(response.statusCode()).isEqualTo(503);
		JsonNode error = json(response);
		assertThat(error.propertyNames()).containsExactly("request_id", "code", "status", "title", "detail");
		assertThat(error.get("status").intValue()).isEqualTo(503);
		assertThat(error.get("code").stringValue()).isEqualTo("Service Unavailable");
	}

	@Test
	void errorRateOneAlwaysFails() throws IOException {
		this.client.put("/emulator/faults", "{\"error_rate\": 1.0}");

		for (int i = 0; i < TRIES; i++) {
			HttpResponse<String> response = this.client.get("/v1/nodes");
			assertThat(response.statusCode()).isEqualTo(500);
			assertThat(json(response).get("status").intValue()).isEqualTo(500);
		}
	}

	@Test
	void errorRateZeroNeverFails() throws IOException {
		this.client.put("/emulator/faults", "{\"error_rate\": 0}");

		for (int i = 0; i < TRIES; i++) {
			assertThat(this.client.get("/v1/nodes").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void malformedBodyIsA200ThatIsNotJson() throws IOException {
		this.client.put("/emulator/faults", "{\"malformed_body\": true}");

		HttpResponse<String> response = this.client.get(NODE_1);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).startsWith("{\"uuid\":");
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> json(response));
	}

	@Test
	void malformedBodyStillCarriesOutTheAction() throws IOException {
		this.client.put("/emulator/faults", "{\"malformed_body\": true}");

		HttpResponse<String> response = this.client.post(NODE_1 + "/action", "{\"Reset\": {\"Type\": \"On\"}}");
		this.client.delete("/emulator/faults");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> json(response));
		assertThat(json(this.client.get(NODE_1)).get("node_power_state").stringValue()).isEqualTo("On");
	}

	@Test
	void deleteClearsTheFaults() throws IOException {
		this.client.put("/emulator/faults", "{\"down\": true}");

		assertThat(this.client.delete("/emulator/faults").statusCode()).isEqualTo(204);

		assertThat(this.client.get("/v1/nodes").statusCode()).isEqualTo(200);
	}

	@Test
	void nodeFaultsHitOnlyThatNodesPaths() throws IOException {
		this.client.put(NODE_1_FAULTS, "{\"down\": true}");

		assertThat(this.client.get(NODE_1).statusCode()).isEqualTo(503);
		assertThat(this.client.post(NODE_1 + "/action", "{\"Reset\": {\"Type\": \"On\"}}").statusCode()).isEqualTo(503);
		assertThat(this.client.get(NODE_2).statusCode()).isEqualTo(200);
		assertThat(this.client.get("/v1/nodes").statusCode()).isEqualTo(200);
	}

	@Test
	void nodeFaultsAreReadBackAndCleared() throws IOException {
		this.client.put(NODE_1_FAULTS, "{\"error_rate\": 0.5}");
		assertThat(json(this.client.get(NODE_1_FAULTS)).get("error_rate").doubleValue()).isEqualTo(0.5);

		assertThat(this.client.delete(NODE_1_FAULTS).statusCode()).isEqualTo(204);

		assertThat(json(this.client.get(NODE_1_FAULTS)).get("error_rate").doubleValue()).isZero();
	}

	@Test
	void controlApiIsNeverFaulted() throws IOException {
		this.client.put("/emulator/faults", "{\"down\": true, \"drop_connection\": true}");

		assertThat(this.client.get("/emulator/faults").statusCode()).isEqualTo(200);
		assertThat(this.client.get("/emulator/nodes/" + NodeInventory.uuidOf(1, 1)).statusCode()).isEqualTo(200);
	}

	@Test
	void resetClearsFaults() throws IOException {
		this.client.put("/emulator/faults", "{\"down\": true}");
		this.client.put(NODE_1_FAULTS, "{\"down\": true}");

		this.client.post("/emulator/reset", "");

		assertThat(this.client.get(NODE_1).statusCode()).isEqualTo(200);
	}

	@Test
	void faultsForAnUnknownNodeAre404() throws IOException {
		HttpResponse<String> response = this.client.put("/emulator/nodes/nope/faults", "{\"down\": true}");

		assertThat(response.statusCode()).isEqualTo(404);
	}

	@Test
	void unknownFaultFieldIs400AndChangesNothing() throws IOException {
		HttpResponse<String> response = this.client.put("/emulator/faults", "{\"down\": true, \"slow\": true}");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json(response).get("detail").stringValue())
			.isEqualTo("Additional properties are not allowed ('slow' was unexpected)");
		assertThat(json(this.client.get("/emulator/faults")).get("down").booleanValue()).isFalse();
	}

	@ParameterizedTest
	@MethodSource("outOfRangeSettings")
	void valueOfTheWrongTypeOrRangeIs400(String body, String detail) throws IOException {
		HttpResponse<String> response = this.client.put("/emulator/faults", body);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json(response).get("detail").stringValue()).isEqualTo(detail);
	}

	static Stream<Arguments> outOfRangeSettings() {
		return Stream.of(
				Arguments.of("{\"error_rate\": 1.5}", "1.5 is not a number between 0.0 and 1.0 (at error_rate)"),
				Arguments.of("{\"latency_ms\": -1}", "-1 is not an integer between 0 and 60000 (at latency_ms)"),
				Arguments.of("{\"latency_ms\": 2.5}", "2.5 is not an integer between 0 and 60000 (at latency_ms)"),
				Arguments.of("{\"down\": \"true\"}", "\"true\" is not of type 'boolean' (at down)"));
	}

}
