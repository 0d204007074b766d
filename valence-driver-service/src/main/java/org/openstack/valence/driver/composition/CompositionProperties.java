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

package org.openstack.valence.driver.composition;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.openstack.valence.driver.protocol.Protocol;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param defaultTimeout how long a composition waits for the node to be Assembled when
 * the request names no timeout; within the limits a request may name, which are those of
 * a power change
 * @param pollInterval how often the new node is read while it is being assembled
 */
@Validated
@ConfigurationProperties("driver.composition")
public record CompositionProperties(
		@NotNull @DurationMin(seconds = Protocol.POWER_TIMEOUT_MIN_SECONDS) @DurationMax(
				seconds = Protocol.POWER_TIMEOUT_MAX_SECONDS) @DefaultValue("300s") Duration defaultTimeout,
		@NotNull @DurationMin(millis = 1) @DefaultValue("1s") Duration pollInterval) {
}
