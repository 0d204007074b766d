package org.openstack.valence.driver.valence;

import io.micrometer.core.instrument.MeterRegistry;
import okhttp3.OkHttpClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ValenceClientConfiguration {

	@Bean
	OkHttpClient valenceHttpClient(ValenceProperties properties) {
		return ValenceHttp.build(properties);
	}

	@Bean
	ValenceClient valenceClient(OkHttpClient valenceHttpClient, ValenceProperties properties, MeterRegistry meters) {
		return new OkHttpValenceClient(valenceHttpClient, properties, meters);
	}

}
