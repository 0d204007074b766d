package org.openstack.valence.driver.web;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * @param maxRequestBody the largest request body accepted; the API's bodies are a few
 * dozen bytes
 */
@Validated
@ConfigurationProperties("driver.web")
public record DriverWebProperties(@NotNull @DefaultValue("16KB") DataSize maxRequestBody) {
}
