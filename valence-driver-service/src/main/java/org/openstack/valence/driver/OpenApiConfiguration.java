package org.openstack.valence.driver;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The document's fixed parts. The server is the documented default rather than
 * the address of whoever asked, so docs/openapi.yaml is the same on every build.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	@Bean
	OpenAPI driverOpenApi(BuildProperties build) {
		return new OpenAPI()
			.info(new Info().title("Valence driver service")
				.version(build.getVersion())
				.description("The HTTP API Ironic's valence hardware type (the shim) calls. Errors are RFC 9457 "
						+ "problem documents with a stable `code` and the `request_id`.")
				.license(new License().name("Apache-2.0")))
			.addServersItem(new Server().url("http://127.0.0.1:8080").description("default local address"))
			.components(new Components().addSecuritySchemes("bearer",
					new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
			.addSecurityItem(new SecurityRequirement().addList("bearer"));
	}

}
