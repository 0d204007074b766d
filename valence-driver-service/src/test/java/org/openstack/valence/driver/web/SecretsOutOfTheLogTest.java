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
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openstack.valence.driver.ServiceTest;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that carry the bearer token (or another secret) in a broken or refused form,
 * sent as raw bytes to a real server: whatever layer refuses them, no log line may show
 * the secret. At the log levels the service ships with;
 * {@link SecretsOutOfTheDebugLogTest} repeats it with Tomcat, Spring Web and Spring
 * Security at DEBUG.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "valence.url=http://127.0.0.1:9")
@ExtendWith(OutputCaptureExtension.class)
class SecretsOutOfTheLogTest {

	/** The part of the test token no other text in the log has. */
	private static final String TOKEN_MARK = "5b0c9f7e";

	private static final String PASSWORD_IN_URL = "hunter2";

	@LocalServerPort
	private int port;

	/**
	 * Tomcat logs the first bad header line of each connection processor at INFO, so the
	 * leak it had shows only when that request comes first.
	 */
	private static List<byte[]> requestsCarryingSecrets() {
		String token = ServiceTest.TOKEN;
		String power = "GET /v1/nodes/node-1/power HTTP/1.1";
		return List.of(RawHttp.request(power, "Authorization: Bearer " + token + "\u0001"),
				RawHttp.request(power, "Authorization: Bearer tkn-" + TOKEN_MARK + "\u0000-test-only"),
				RawHttp.request(power, "Authorization: Bearer tkn-" + TOKEN_MARK + "\r-test-only"),
				RawHttp.request(power, "Authorization: Bearer " + token + "\u0085"),
				RawHttp.request(power, "Authorization: Bearer " + token + "\u00ff"),
				RawHttp.request(power, "Authorization Bearer " + token), RawHttp.request(power, "Bearer " + token),
				RawHttp.request(power, "Authorization: Bearer " + token, "X-Padding: " + "a".repeat(65536)),
				RawHttp.request(power, "Authorization: Bearer " + token + "-stale"),
				RawHttp.request(power, "Authorization: Basic " + token),
				RawHttp.request("GET /v1/nodes/node one/power HTTP/1.1", "Authorization: Bearer " + token),
				RawHttp.request("GET http://admin:" + PASSWORD_IN_URL + "@valence.example/v1/connection HTTP/1.1",
						"Authorization: Bearer " + token),
				RawHttp.request("GET http://admin:" + PASSWORD_IN_URL + "@127.0.0.1/v1/connection HTTP/1.1",
						"Authorization: Bearer " + token),
				RawHttp.request("TRACE /v1/connection HTTP/1.1", "Authorization: Bearer " + token),
				RawHttp.request("PUT /v1/nodes/node-1/power HTTP/1.1", "Authorization: Bearer " + token,
						"Content-Type: application/json", "Transfer-Encoding: gzip"),
				RawHttp.postJson("/v1/power-reads", "{\"nodes\": [\"node-1\"]}",
						"Authorization: Bearer " + token + "\u0001"),
				RawHttp.postJson("/v1/power-reads", "{\"nodes\": [\"node-1\", \"node-2\"]}",
						"Authorization: Bearer " + token),
				RawHttp.request(power, "Authorization: Bearer " + token));
	}

	/** The last request failed on the unreachable Valence, which is logged at WARN. */
	protected String[] linesProvingTheLogWasCaptured() {
		return new String[] { "VALENCE_UNREACHABLE" };
	}

	@Test
	void noSecretReachesTheLog(CapturedOutput output) throws IOException {
		for (byte[] request : requestsCarryingSecrets()) {
			RawHttp.Answer answer = RawHttp.exchange(this.port, request);
			assertThat(answer.status()).as(answer.text()).isPositive();
			assertThat(answer.text()).doesNotContain(TOKEN_MARK).doesNotContain(PASSWORD_IN_URL);
		}

		assertThat(output.getAll()).contains(linesProvingTheLogWasCaptured())
			.doesNotContain(TOKEN_MARK)
			.doesNotContain(PASSWORD_IN_URL)
			.doesNotContain(ServiceTest.VALENCE_PASSWORD);
	}

}
