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

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operators' environment names bind to the token settings by Spring's relaxed binding
 * alone, with no placeholder in application.yml.
 */
class TokenPropertiesTest {

	/**
	 * Binds the record as the service does, from an environment of these variables only.
	 */
	private static TokenProperties bind(Map<String, Object> environment) {
		AtomicReference<TokenProperties> bound = new AtomicReference<>();
		new ApplicationContextRunner()
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								environment)))
			.withUserConfiguration(Settings.class)
			.run((context) -> bound.set(context.getBean(TokenProperties.class)));
		return bound.get();
	}

	@EnableConfigurationProperties(TokenProperties.class)
	static class Settings {

	}

	@Test
	void environmentNamesBind() {
		TokenProperties properties = bind(Map.of("VALENCE_DRIVER_TOKEN", "from-the-environment",
				"VALENCE_DRIVER_TOKEN_DIGESTS_FILE", "/etc/valence-driver/token-digests",
				"VALENCE_DRIVER_TOKEN_DIGESTS_RECHECK", "30s", "VALENCE_DRIVER_GENERATE_IF_MISSING", "false",
				"VALENCE_DRIVER_TOKEN_FILE", "/var/lib/valence-driver/token"));

		assertThat(properties.token()).isEqualTo("from-the-environment");
		assertThat(properties.tokenDigestsFile()).isEqualTo(Path.of("/etc/valence-driver/token-digests"));
		assertThat(properties.tokenDigestsRecheck()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.generateIfMissing()).isFalse();
		assertThat(properties.tokenFile()).isEqualTo(Path.of("/var/lib/valence-driver/token"));
	}

	@Test
	void withoutSettingsTheDefaultsHold() {
		TokenProperties properties = bind(Map.of());

		assertThat(properties.token()).isNull();
		assertThat(properties.tokenDigestsFile()).isNull();
		assertThat(properties.tokenDigestsRecheck()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.generateIfMissing()).isTrue();
		assertThat(properties.tokenFile())
			.isEqualTo(Path.of(System.getProperty("user.home"), ".valence-driver", "token"));
	}

	@Test
	void toStringHidesTheToken() {
		assertThat(bind(Map.of("VALENCE_DRIVER_TOKEN", "from-the-environment"))).asString()
			.contains("token=******")
			.doesNotContain("from-the-environment");
	}

}
