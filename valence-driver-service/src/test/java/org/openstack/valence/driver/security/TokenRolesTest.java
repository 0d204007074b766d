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

package org.openstack.valence.driver.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openstack.valence.driver.ServiceTest;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several tokens at once, each with its role, over real HTTP: VALENCE_DRIVER_TOKEN (a
 * change token) and a token digests file holding a read token (Prometheus's) and a change
 * token, read again when it changes.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "valence.url=http://127.0.0.1:9", "valence-driver.token-digests-recheck=10ms" })
@ExtendWith(OutputCaptureExtension.class)
class TokenRolesTest {

	private static final String READ_TOKEN = "metrics-3c1d-test-only";

	private static final String CHANGE_TOKEN = "conductor-8e2a-test-only";

	private static final String INITIAL_DIGESTS = "# Prometheus\nread " + sha256(READ_TOKEN) + "\n\nchange "
			+ sha256(CHANGE_TOKEN).toUpperCase(Locale.ROOT) + "   # the conductors\n";

	private static final Path DIGESTS = digestsFile();

	private static final String POWER = "/v1/nodes/node-1/power";

	private static final String BAD_POWER = "{\"target\": \"sideways\"}";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int port;

	private static Path digestsFile() {
		try {
			Path file = Files.createTempDirectory("valence-driver-test").resolve("token-digests");
			Files.writeString(file, INITIAL_DIGESTS);
			return file;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String sha256(String token) {
		return HexFormat.of().formatHex(DriverToken.sha256(token));
	}

	@DynamicPropertySource
	static void digests(DynamicPropertyRegistry registry) {
		registry.add("valence-driver.token-digests-file", DIGESTS::toString);
	}

	@AfterEach
	void restoreDigests() throws Exception {
		write(INITIAL_DIGESTS);
	}

	@Test
	void readTokenScrapesMetricsAndReads() throws Exception {
		assertThat(call("GET", "/actuator/prometheus", READ_TOKEN, null).statusCode()).isEqualTo(200);
		assertThat(call("GET", "/actuator/info", READ_TOKEN, null).statusCode()).isEqualTo(200);
		assertThat(call("GET", "/v1/connection", READ_TOKEN, null).statusCode()).isEqualTo(200);
		HttpResponse<String> reads = call("POST", "/v1/power-reads", READ_TOKEN, "{\"nodes\": [\"node-1\"]}");
		assertThat(reads.statusCode()).isEqualTo(200);
		assertThat(reads.body()).contains("VALENCE_UNREACHABLE");
		// Authorized, then answered by the API: a route it does not have.
		assertThat(call("GET", "/v1/firmware", READ_TOKEN, null).body()).contains("ROUTE_NOT_FOUND");
	}

	@Test
	void readTokenIsForbiddenEveryChange() throws Exception {
		String[][] changes = { { "PUT", POWER, "{\"target\": \"power off\"}" },
				{ "PUT", "/v1/nodes/node-1/boot-device", "{\"boot_device\": \"pxe\"}" },
				{ "POST", "/v1/nodes", "{\"name\": \"n\", \"flavor\": \"small\"}" },
				{ "DELETE", "/v1/nodes/node-1", null } };
		for (String[] change : changes) {
			HttpResponse<String> response = call(change[0], change[1], READ_TOKEN, change[2]);

			assertThat(response.statusCode()).as("%s %s", change[0], change[1]).isEqualTo(403);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(response.body()).contains("\"code\":\"FORBIDDEN\"", "change role", "request_id")
				.doesNotContain(READ_TOKEN);
		}
	}

	@Test
	void withoutTokenAChangeIsUnauthorizedNotForbidden() throws Exception {
		HttpResponse<String> response = call("PUT", POWER, null, BAD_POWER);

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).contains("UNAUTHORIZED");
		assertThat(call("GET", "/actuator/prometheus", "wrong-" + READ_TOKEN, null).statusCode()).isEqualTo(401);
	}

	@Test
	void everyChangeTokenChanges() throws Exception {
		for (String token : new String[] { CHANGE_TOKEN, ServiceTest.TOKEN }) {
			// Past the token check, the body is refused: no power action is needed to see
			// that the token may change.
			HttpResponse<String> response = call("PUT", POWER, token, BAD_POWER);

			assertThat(response.statusCode()).isEqualTo(400);
			assertThat(response.body()).contains("INVALID_REQUEST");
		}
	}

	@Test
	void tokensAreRotatedWithoutRestart(CapturedOutput output) throws Exception {
		String next = "conductor-next-41f0-test-only";
		write(INITIAL_DIGESTS + "change " + sha256(next) + "\n");
		assertThat(awaitStatus(next, 400)).isEqualTo(400);
		assertThat(status(CHANGE_TOKEN)).isEqualTo(400);

		write("read " + sha256(READ_TOKEN) + "\nchange " + sha256(next) + "\n");

		assertThat(awaitStatus(CHANGE_TOKEN, 401)).isEqualTo(401);
		assertThat(status(next)).isEqualTo(400);
		assertThat(output.getAll()).contains("Read " + DIGESTS + ": 1 read and 1 change token digests");
	}

	@Test
	void fileInErrorLeavesTheTokensReadBefore(CapturedOutput output) throws Exception {
		String pasted = "pasted-token-by-mistake";
		write(INITIAL_DIGESTS + "change " + pasted + "\n");
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!output.getAll().contains("was not read again") && System.nanoTime() - deadline < 0) {
			assertThat(status(CHANGE_TOKEN)).isEqualTo(400);
			Thread.sleep(20);
		}

		assertThat(output.getAll()).contains(DIGESTS + " line 5 is not").doesNotContain(pasted);
		assertThat(status(CHANGE_TOKEN)).isEqualTo(400);
		assertThat(call("GET", "/actuator/prometheus", READ_TOKEN, null).statusCode()).isEqualTo(200);
	}

	@Test
	void rootTellsANewcomerWhereToGoWithoutToken() throws Exception {
		HttpResponse<String> index = call("GET", "/", null, null);

		assertThat(index.statusCode()).isEqualTo(200);
		assertThat(index.body()).contains("/actuator/health", "/v3/api-docs", "Authorization: Bearer");
		assertThat(call("POST", "/", null, "{}").statusCode()).isEqualTo(401);
	}

	private int status(String token) throws Exception {
		return call("PUT", POWER, token, BAD_POWER).statusCode();
	}

	/** Bounded: the file is read again within 10 ms of a request. */
	private int awaitStatus(String token, int expected) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		int status = status(token);
		while (status != expected && System.nanoTime() - deadline < 0) {
			Thread.sleep(20);
			status = status(token);
		}
		return status;
	}

	private static void write(String content) throws IOException {
		Path temporary = Files.writeString(DIGESTS.resolveSibling("token-digests.tmp"), content);
		Files.move(temporary, DIGESTS, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(20))
			.method(method, (body != null) ? BodyPublishers.ofString(body) : BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), BodyHandlers.ofString());
	}

}
