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

package org.openstack.valence.driver.valence;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How to reach Valence. Checked at start-up so that a wrong setting stops the service
 * with a clear message instead of failing on the first request.
 *
 * @param url Valence's base URL (VALENCE_URL), http or https, without credentials
 * @param username basic-auth user for a proxy in front of Valence (VALENCE_USERNAME)
 * @param password basic-auth password (VALENCE_PASSWORD); never logged
 * @param caFile PEM file of the CA(s) that sign Valence's certificate (VALENCE_CA_FILE)
 * @param connectTimeout TCP connect timeout
 * @param readTimeout longest silence while reading an answer
 * @param callTimeout whole-call limit, connect to last byte
 * @param keepAlive how long an idle connection stays in the pool; below the shortest
 * keep-alive timeout of the servers that may stand in front of Valence, so that the pool
 * retires a connection before the server closes it
 * @param retry how idempotent reads are retried
 */
@Validated
@ConfigurationProperties("valence")
public record ValenceProperties(@NotNull @DefaultValue("http://127.0.0.1:8181") URI url, String username,
		String password, Path caFile, @NotNull @DefaultValue("2s") Duration connectTimeout,
		@NotNull @DefaultValue("10s") Duration readTimeout, @NotNull @DefaultValue("15s") Duration callTimeout,
		@NotNull @DurationMin(millis = 1) @DefaultValue("4s") Duration keepAlive,
		@Valid @NotNull @DefaultValue Retry retry) {

	/**
	 * @param maxAttempts attempts of one read, the first included
	 * @param initialBackoff wait before the first retry
	 * @param multiplier growth of the wait for each further retry
	 */
	public record Retry(@Min(1) @Max(10) @DefaultValue("3") int maxAttempts,
			@NotNull @DefaultValue("200ms") Duration initialBackoff,
			@DecimalMin("1.0") @DefaultValue("2.0") double multiplier) {
	}

	@AssertTrue(message = "must be an http or https URL with a host, without user info (put credentials in "
			+ "VALENCE_USERNAME and VALENCE_PASSWORD), query or fragment")
	public boolean isUrlUsable() {
		return this.url == null || (("http".equals(this.url.getScheme()) || "https".equals(this.url.getScheme()))
				&& this.url.getHost() != null && this.url.getRawUserInfo() == null && this.url.getRawQuery() == null
				&& this.url.getRawFragment() == null);
	}

	@AssertTrue(message = "VALENCE_USERNAME and VALENCE_PASSWORD must be set together")
	public boolean isCredentialsComplete() {
		return hasText(this.username) == hasText(this.password);
	}

	boolean hasCredentials() {
		return hasText(this.username);
	}

	private static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

	/** Keeps the password out of any log or error that prints the settings. */
	@Override
	public String toString() {
		return "ValenceProperties[url=" + this.url + ", username=" + this.username + ", password="
				+ (hasText(this.password) ? "******" : "<none>") + ", caFile=" + this.caFile + ", connectTimeout="
				+ this.connectTimeout + ", readTimeout=" + this.readTimeout + ", callTimeout=" + this.callTimeout
				+ ", keepAlive=" + this.keepAlive + ", retry=" + this.retry + "]";
	}

}
