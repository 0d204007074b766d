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

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param token a bearer token with the change role (VALENCE_DRIVER_TOKEN)
 * @param generateIfMissing without a token nor a token digests file, generate a token
 * into {@code tokenFile} instead of refusing to start; off in the prod profile
 * @param tokenFile where a generated token is written, readable by its owner only;
 * defaults to ~/.valence-driver/token
 * @param tokenDigestsFile the tokens accepted besides {@code token}, a line each: its
 * role and its SHA-256 (VALENCE_DRIVER_TOKEN_DIGESTS_FILE; see {@link TokenDigests})
 * @param tokenDigestsRecheck how often the token digests file is read again
 */
@Validated
@ConfigurationProperties("valence-driver")
public record TokenProperties(String token, @DefaultValue("true") boolean generateIfMissing, Path tokenFile,
		Path tokenDigestsFile, @NotNull @DurationMin(millis = 1) @DefaultValue("5s") Duration tokenDigestsRecheck) {

	public TokenProperties {
		if (tokenFile == null) {
			tokenFile = Path.of(System.getProperty("user.home"), ".valence-driver", "token");
		}
	}

	/** Keeps the token out of any log or error that prints the settings. */
	@Override
	public String toString() {
		return "TokenProperties[token=" + ((this.token == null || this.token.isBlank()) ? "<none>" : "******")
				+ ", generateIfMissing=" + this.generateIfMissing + ", tokenFile=" + this.tokenFile
				+ ", tokenDigestsFile=" + this.tokenDigestsFile + ", tokenDigestsRecheck=" + this.tokenDigestsRecheck
				+ "]";
	}

}
