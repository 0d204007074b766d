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

package org.openstack.valence.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springdoc.core.properties.SpringDocConfigProperties;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * docs/openapi.yaml is the document the service generates, kept in sync by this test.
 * After a deliberate API change, rewrite it with
 * {@code mvn -pl valence-driver-service test -Dtest=OpenApiDocumentTest -Dopenapi.write=true}
 * and commit the result.
 */
class OpenApiDocumentTest extends ServiceTest {

	private static final Path COMMITTED = Path.of(System.getProperty("openapi.committed", "../docs/openapi.yaml"));

	@Autowired
	private SpringDocConfigProperties springdoc;

	/** Left unset, the setting makes springdoc warn at every start that it is on. */
	@Test
	void documentIsEnabledOutright() {
		assertThat(this.springdoc.getApiDocs().isEnabled()).isTrue();
	}

	@Test
	void committedDocumentIsTheGeneratedOne() throws Exception {
		String generated = this.mvc.perform(get("/v3/api-docs.yaml"))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString(StandardCharsets.UTF_8);
		if (Boolean.getBoolean("openapi.write")) {
			Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
		}
		assertThat(committed()).as("docs/openapi.yaml is out of date; regenerate it with -Dopenapi.write=true")
			.isEqualTo(generated);
	}

	private static String committed() throws IOException {
		return Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";
	}

}
