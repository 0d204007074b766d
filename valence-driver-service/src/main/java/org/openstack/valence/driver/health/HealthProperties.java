/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this
 * file except in compliance with the License. You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under
 * the License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY
 * KIND, either express or implied. See the License for the specific language governing
 * permissions and limitations under the License.
 */
package org.openstack.valence.driver.health;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.openstack.valence.driver.protocol.Protocol;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param probeInterval the pause between the end of one probe of Valence and the start of
 * the next
 * @param probeTimeout how long one probe may take; at most the read budget. A Valence
 * slower than this is reported DOWN, so it is not short: a Valence that answers in a few
 * seconds is slow but usable, since a read may take the read budget
 * @param maxAge how old the last probe's result may be before health reports it stale;
 * more than one interval and one timeout, so that a probe that is merely slow never makes
 * it stale
 */
@Validated
@ConfigurationProperties("driver.health")
public record HealthProperties(@NotNull @DurationMin(millis = 1) @DefaultValue("5s") Duration probeInterval,
		@NotNull @DurationMin(millis = 1) @DurationMax(
				seconds = Protocol.READ_BUDGET_SECONDS) @DefaultValue("5s") Duration probeTimeout,
		@NotNull @DefaultValue("20s") Duration maxAge) {

	@AssertTrue(message = "max-age must be longer than probe-interval plus probe-timeout")
	boolean isMaxAgeLongerThanOneProbe() {
		return this.maxAge == null || this.probeInterval == null || this.probeTimeout == null
				|| this.maxAge.compareTo(this.probeInterval.plus(this.probeTimeout)) > 0;
	}

}
