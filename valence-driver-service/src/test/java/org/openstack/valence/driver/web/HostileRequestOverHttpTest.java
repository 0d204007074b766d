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

package org.openstack.valence.driver.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openstack.valence.driver.ServiceTest;
import org.openstack.valence.driver.protocol.Protocol;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * Hostile requests sent over a real Tomcat connector, byte for byte as written. Whichever
 * layer refuses them (Tomcat's parser, its URI checks, Spring Security's firewall, Spring
 * MVC), the client gets a problem document with a code and a request id, never Tomcat's
 * HTML page or Spring Boot's default JSON.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileRequestOverHttpTest {

	private static final String AUTHORIZATION = "Authorization: " + ServiceTest.BEARER;

	private static final String POWER_READS = "/v1/power-reads";

	@LocalServerPort
	private int port;

	static Stream<Arguments> hostileRequests() {
		return Stream.of(
				argumentSet("NUL in the node id",
						RawHttp.request("GET /v1/nodes/node\0one/power HTTP/1.1".getBytes(StandardCharsets.ISO_8859_1),
								AUTHORIZATION)),
				argumentSet("encoded NUL in the node id",
						RawHttp.request("GET /v1/nodes/node%00one/power HTTP/1.1", AUTHORIZATION)),
				argumentSet("encoded backslash in the node id",
						RawHttp.request("GET /v1/nodes/..%5Cpod_managers/power HTTP/1.1", AUTHORIZATION)),
				argumentSet("encoded slash in the node id",
						RawHttp.request("GET /v1/nodes/..%2Fpod_managers/power HTTP/1.1", AUTHORIZATION)),
				argumentSet("encoded dots as the node id",
						RawHttp.request("GET /v1/nodes/%2e%2e/power HTTP/1.1", AUTHORIZATION)),
				argumentSet("plain dot in the node id",
						RawHttp.request("GET /v1/nodes/node.1/power HTTP/1.1", AUTHORIZATION)),
				argumentSet("raw UTF-8 in the path",
						RawHttp.request("GET /v1/nodes/nœud/power HTTP/1.1", AUTHORIZATION)),
				argumentSet("space in the path",
						RawHttp.request("GET /v1/nodes/node one/power HTTP/1.1", AUTHORIZATION)),
				argumentSet("absolute-form target naming another host than Host",
						RawHttp.request("GET http://admin:hunter2@valence.example/v1/connection HTTP/1.1",
								AUTHORIZATION)),
				argumentSet("absolute-form target with an encoded slash",
						RawHttp.request("GET http://127.0.0.1/v1/nodes/..%2Fpod_managers/power HTTP/1.1",
								AUTHORIZATION)),
				argumentSet("64 KiB header",
						RawHttp.request("GET /v1/connection HTTP/1.1", AUTHORIZATION,
								"X-Padding: " + "a".repeat(65536))),
				argumentSet("request id with a bare CR",
						RawHttp.request("GET /v1/connection HTTP/1.1", AUTHORIZATION,
								Protocol.REQUEST_ID_HEADER + ": req-1\rINFO forged")),
				argumentSet("8 KiB request id",
						RawHttp.request("GET /v1/connection HTTP/1.1", AUTHORIZATION,
								Protocol.REQUEST_ID_HEADER + ": req-" + "7".repeat(8192))),
				argumentSet("control character in the Authorization header",
						RawHttp.request("GET /v1/connection HTTP/1.1",
								"Authorization: Bearer " + ServiceTest.TOKEN + "\u0001")),
				argumentSet("C1 control byte in the Authorization header",
						RawHttp.request("GET /v1/connection HTTP/1.1",
								"Authorization: Bearer " + ServiceTest.TOKEN + "\u0085")),
				argumentSet("header line without a colon",
						RawHttp.request("GET /v1/connection HTTP/1.1", AUTHORIZATION, "Bearer " + ServiceTest.TOKEN)),
				argumentSet("TRACE", RawHttp.request("TRACE /v1/connection HTTP/1.1", AUTHORIZATION)),
				argumentSet("CONNECT", RawHttp.request("CONNECT 127.0.0.1:22 HTTP/1.1", AUTHORIZATION)),
				argumentSet("unknown HTTP version", RawHttp.request("GET /v1/connection HTTP/1.7", AUTHORIZATION)),
				argumentSet("unsupported transfer coding",
						RawHttp.request("PUT /v1/nodes/node-1/power HTTP/1.1", AUTHORIZATION,
								"Content-Type: application/json", "Transfer-Encoding: gzip")),
				argumentSet("Content-Length that is not a number",
						RawHttp.request("PUT /v1/nodes/node-1/power HTTP/1.1", AUTHORIZATION,
								"Content-Type: application/json", "Content-Length: twelve")),
				argumentSet("method the route does not have",
						RawHttp.request("DELETE /v1/nodes/node-1/power HTTP/1.1", AUTHORIZATION)),
				argumentSet("unacceptable Accept",
						RawHttp.request("GET /v1/connection HTTP/1.1", AUTHORIZATION, "Accept: application/xml")),
				argumentSet("body of another media type",
						RawHttp.request("PUT /v1/nodes/node-1/power HTTP/1.1", AUTHORIZATION,
								"Content-Type: application/xml", "Content-Length: 0")),
				argumentSet("power reads of a node id walking up Valence's API",
						RawHttp.postJson(POWER_READS, "{\"nodes\": [\"node-1\", \"../pod_managers\"]}", AUTHORIZATION)),
				argumentSet("power reads of a node id with an encoded slash",
						RawHttp.postJson(POWER_READS, "{\"nodes\": [\"..%2Fpod_managers\"]}", AUTHORIZATION)),
				argumentSet("power reads of a node id with a raw NUL",
						RawHttp.postJson(POWER_READS, "{\"nodes\": [\"node\u0000one\"]}", AUTHORIZATION)),
				argumentSet("power reads of a node id with an escaped NUL",
						RawHttp.postJson(POWER_READS, "{\"nodes\": [\"node\\u0000one\"]}", AUTHORIZATION)),
				argumentSet("power reads over the body limit",
						RawHttp.postJson(POWER_READS,
								"{\"nodes\": [\"" + "n".repeat(64) + "\"" + (", \"" + "n".repeat(64) + "\"").repeat(300)
										+ "]}",
								AUTHORIZATION)),
				argumentSet("power reads by GET", RawHttp.request("GET " + POWER_READS + " HTTP/1.1", AUTHORIZATION)));
	}

	@ParameterizedTest
	@MethodSource("hostileRequests")
	void answerIsAProblemDocumentWithACode(byte[] request) throws IOException {
		RawHttp.Answer answer = RawHttp.exchange(this.port, request);

		assertThat(answer.status()).as(answer.text()).isEqualTo(400);
		assertThat(answer.head()).containsIgnoringCase("Content-Type: application/problem+json")
			.containsPattern("(?i)" + Protocol.REQUEST_ID_HEADER + ": req-[0-9a-f-]{36}");
		assertThat(answer.code()).isEqualTo("INVALID_REQUEST");
		assertThat(answer.text()).contains("\"request_id\":\"req-").doesNotContain("<html");
	}

	/**
	 * A path the API does not have is neither the client's malformed request nor a fault
	 * of the service; the error page asked for directly is such a path.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "GET /v1/firmware", "DELETE /v1/nodes/node-1/firmware", "POST /v2/nodes", "GET /error",
			"GET /nope", "GET /actuator/nope", "GET /actuator/health/nope" })
	void unknownRouteWithTheTokenIsRouteNotFound(String route) throws IOException {
		RawHttp.Answer answer = RawHttp.exchange(this.port, RawHttp.request(route + " HTTP/1.1", AUTHORIZATION));

		assertThat(answer.status()).as(answer.text()).isEqualTo(404);
		assertThat(answer.head()).containsIgnoringCase("Content-Type: application/problem+json");
		assertThat(answer.code()).isEqualTo("ROUTE_NOT_FOUND");
		assertThat(answer.text()).contains("\"request_id\":\"req-");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/error", "/v1/firmware", "/nope", "/actuator/nope", "/actuator/health/nope",
			"/v3/api-docs/nope" })
	void unknownRouteWithoutTheTokenIsNeverAServerError(String path) throws IOException {
		RawHttp.Answer answer = RawHttp.exchange(this.port, RawHttp.request("GET " + path + " HTTP/1.1"));

		assertThat(answer.status()).as(answer.text()).isIn(401, 404);
		assertThat(answer.code()).isIn("UNAUTHORIZED", "ROUTE_NOT_FOUND");
	}

	@Test
	void unknownRoutesAreNotCountedAsServerErrors() throws IOException {
		for (String path : new String[] { "/error", "/v1/firmware", "/actuator/health/nope" }) {
			RawHttp.exchange(this.port, RawHttp.request("GET " + path + " HTTP/1.1"));
			RawHttp.exchange(this.port, RawHttp.request("GET " + path + " HTTP/1.1", AUTHORIZATION));
		}

		RawHttp.Answer metrics = RawHttp.exchange(this.port,
				RawHttp.request("GET /actuator/prometheus HTTP/1.1", AUTHORIZATION));

		assertThat(metrics.text()).contains("http_server_requests_seconds_count{")
			.containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"404\"")
			.doesNotContainPattern("http_server_requests_seconds_count\\{[^}]*status=\"5");
	}

	@Test
	void wellFormedRequestIdIsKeptForARefusedRequest() throws IOException {
		RawHttp.Answer answer = RawHttp.exchange(this.port,
				RawHttp.request("GET /v1/nodes/..%5Cpod_managers/power HTTP/1.1", AUTHORIZATION,
						Protocol.REQUEST_ID_HEADER + ": req-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"));

		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.text()).contains("\"request_id\":\"req-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0\"");
	}

	@Test
	void traceKeepsTheAllowHeaderWithoutTrace() throws IOException {
		RawHttp.Answer answer = RawHttp.exchange(this.port,
				RawHttp.request("TRACE /v1/connection HTTP/1.1", AUTHORIZATION));

		assertThat(answer.head()).containsIgnoringCase("Allow: ").doesNotContain("TRACE");
		assertThat(answer.text()).contains("the server refused TRACE /v1/connection");
	}

}
