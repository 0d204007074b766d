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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The default profile without VALENCE_DRIVER_TOKEN: a token is generated into a private
 * file.
 */
@SpringBootTest(properties = "valence-driver.token=")
@AutoConfigureMockMvc
@ExtendWith(OutputCaptureExtension.class)
class GeneratedTokenTest {

	private static final Path TOKEN_FILE = tokenFile();

	@Autowired
	private MockMvc mvc;

	private static Path tokenFile() {
		try {
			return Files.createTempDirectory("valence-driver-test").resolve("private/token");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@DynamicPropertySource
	static void tokenFile(DynamicPropertyRegistry registry) {
		registry.add("valence-driver.token-file", TOKEN_FILE::toString);
	}

	@Test
	void tokenIsWrittenToAFileOnlyItsOwnerCanRead() throws IOException {
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(TOKEN_FILE))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(TOKEN_FILE.getParent())))
			.isEqualTo("rwx------");
		assertThat(Files.readString(TOKEN_FILE).strip()).hasSizeGreaterThanOrEqualTo(43);
	}

	@Test
	void generatedTokenOpensTheApi() throws Exception {
		String token = Files.readString(TOKEN_FILE).strip();

		this.mvc.perform(get("/v1/connection").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
		this.mvc.perform(get("/v1/connection")).andExpect(status().isUnauthorized());
	}

	@Test
	void tokenFileIsReportedWithoutItsContent(CapturedOutput output) throws IOException {
		String token = Files.readString(TOKEN_FILE).strip();
		// The start-up log went to the console before this test captured it, so
		// resolve once more to see what start-up logs.
		TokenProperties properties = new TokenProperties(null, true, TOKEN_FILE.resolveSibling("again"), null,
				Duration.ofSeconds(5));

		AcceptedTokens.resolve(properties);

		assertThat(output.getAll()).contains(TOKEN_FILE.resolveSibling("again").toString())
			.doesNotContain(Files.readString(TOKEN_FILE.resolveSibling("again")).strip())
			.doesNotContain(token);
	}

}
