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
import java.io.InputStream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration processor describes every setting of the service, so that IDEs and
 * tools know each one with its default.
 */
class ConfigurationMetadataTest {

	@Test
	void everySettingIsDescribed() throws IOException {
		JsonNode properties = metadata().get("properties");
		assertThat(properties.valueStream().map((property) -> property.get("name").asString())).contains("valence.url",
				"valence.retry.max-attempts", "driver.read-budget", "driver.health.max-age",
				"driver.power.default-timeout", "driver.power-reads.parallelism", "driver.web.max-request-body",
				"valence-driver.token", "valence-driver.token-file");
		assertThat(properties.valueStream()).allSatisfy(
				(property) -> assertThat(property.path("description").asString()).as(property.toString()).isNotBlank());
		assertThat(properties.valueStream().filter((property) -> "valence.url".equals(property.get("name").asString())))
			.singleElement()
			.satisfies((url) -> assertThat(url.get("defaultValue").asString()).isEqualTo("http://127.0.0.1:8181"));
	}

	private static JsonNode metadata() throws IOException {
		try (InputStream in = ConfigurationMetadataTest.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("the configuration processor's metadata").isNotNull();
			return JsonMapper.builder().build().readTree(in);
		}
	}

}
