package org.openstack.valence.driver.node;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param defaultTimeout how long a power change waits when the request names no timeout
 * @param pollInterval how often the node is read while waiting for a power state
 */
@Validated
@ConfigurationProperties("driver.power")
public record PowerProperties(@NotNull @DefaultValue("60s") Duration defaultTimeout,
		@NotNull @DefaultValue("1s") Duration pollInterval) {
}
