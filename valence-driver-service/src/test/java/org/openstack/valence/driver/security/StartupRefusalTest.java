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
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openstack.valence.driver.ValenceDriverApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings that must stop the service at start-up, with a message that says why. */
class StartupRefusalTest {

	private static void start(String... arguments) {
		new SpringApplicationBuilder(ValenceDriverApplication.class).run(arguments);
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	@Test
	void prodProfileRefusesToStartWithoutToken() {
		assertThatThrownBy(() -> start("--spring.profiles.active=prod", "--valence-driver.token=", "--server.port=0"))
			.satisfies((ex) -> assertThat(rootCause(ex))
				.hasMessageContaining("neither VALENCE_DRIVER_TOKEN nor VALENCE_DRIVER_TOKEN_DIGESTS_FILE"));
	}

	@Test
	void missingTokenDigestsFileIsRefused() {
		assertThatThrownBy(() -> start("--valence-driver.token-digests-file=/nonexistent/digests", "--server.port=0"))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage()).contains("/nonexistent/digests"));
	}

	@Test
	void tokenDigestsFileLineInErrorIsNamedButNotQuoted(@TempDir Path dir) throws IOException {
		Path digests = Files.writeString(dir.resolve("digests"),
				"# conductors\nchange " + "ab".repeat(32) + "\nread pasted-token-by-mistake\n");

		assertThatThrownBy(() -> start("--valence-driver.token-digests-file=" + digests, "--server.port=0"))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage()).contains(digests + " line 3 is not")
				.doesNotContain("pasted-token-by-mistake"));
	}

	@Test
	void tokenDigestsFileWithoutTokenIsRefusedWhenItIsTheOnlySource(@TempDir Path dir) throws IOException {
		Path digests = Files.writeString(dir.resolve("digests"), "# none yet\n");

		assertThatThrownBy(() -> start("--spring.profiles.active=prod", "--valence-driver.token=",
				"--valence-driver.token-digests-file=" + digests, "--server.port=0"))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage()).contains("holds no token digest"));
	}

	@Test
	void valenceUrlWithCredentialsIsRefused() {
		assertThatThrownBy(() -> start("--valence.url=http://admin:hunter2@127.0.0.1:8181", "--server.port=0"))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage()).contains("without user info")
				.doesNotContain("hunter2"));
	}

	@Test
	void usernameWithoutPasswordIsRefused() {
		assertThatThrownBy(() -> start("--valence.password=", "--server.port=0"))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage())
				.contains("VALENCE_USERNAME and VALENCE_PASSWORD must be set together"));
	}

	@Test
	void unreadableCaFileIsRefused() {
		assertThatThrownBy(() -> start("--valence.ca-file=/nonexistent/ca.pem", "--server.port=0"))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage()).contains("/nonexistent/ca.pem"));
	}

	@Test
	void defaultPowerTimeoutOutsideTheProtocolsLimitsIsRefused() {
		assertThatThrownBy(() -> start("--driver.power.default-timeout=2h", "--server.port=0"))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage()).contains("driver.power.default-timeout"));
	}

	@Test
	void readBudgetAboveTheProtocolsIsRefused() {
		assertThatThrownBy(() -> start("--driver.read-budget=11s", "--server.port=0"))
			.satisfies((ex) -> assertThat(rootCause(ex).getMessage()).contains("driver.read-budget"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "65", "eight" })
	void powerReadsParallelismOutsideItsRangeIsRefused(String parallelism) {
		assertThatThrownBy(() -> start("--driver.power-reads.parallelism=" + parallelism, "--server.port=0"))
			.hasStackTraceContaining("driver.power-reads.parallelism");
	}

}
