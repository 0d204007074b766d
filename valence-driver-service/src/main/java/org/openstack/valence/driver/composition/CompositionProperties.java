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
