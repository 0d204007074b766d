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

package org.openstack.valence.driver;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.error.OperationErrors;
import org.springdoc.core.customizers.OperationCustomizer;

import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;

/**
 * The document's fixed parts. The server is the documented default rather than the
 * address of whoever asked, so docs/openapi.yaml is the same on every build.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	private static final String PROBLEM = "Problem";

	@Bean
	OpenAPI driverOpenApi(BuildProperties build) {
		return new OpenAPI()
			.info(new Info().title("Valence driver service")
				.version(build.getVersion())
				.description("The HTTP API Ironic's valence hardware type (the shim) calls. Errors are RFC 9457 "
						+ "problem documents with a stable `code` and the `request_id`.")
				.license(new License().name("Apache-2.0")))
			.addServersItem(new Server().url("http://127.0.0.1:8080").description("default local address"))
			.components(new Components()
				.addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer"))
				.addSchemas(PROBLEM, problemSchema()))
			.addSecurityItem(new SecurityRequirement().addList("bearer"));
	}

	/**
	 * Each operation's error responses, one per status, from the codes it can answer
	 * ({@link OperationErrors}).
	 */
	@Bean
	OperationCustomizer problemResponses() {
		return (operation, handler) -> {
			Map<HttpStatus, List<ErrorCode>> byStatus = OperationErrors.of(handler.getMethod())
				.stream()
				.sorted(Comparator.comparing(ErrorCode::status))
				.collect(Collectors.groupingBy(ErrorCode::status, LinkedHashMap::new, Collectors.toList()));
			byStatus.forEach((status, codes) -> problem(operation, status, codes));
			return operation;
		};
	}

	private static void problem(Operation operation, HttpStatus status, List<ErrorCode> codes) {
		String description = codes.stream()
			.map((code) -> code.name() + ": " + code.description())
			.collect(Collectors.joining("; or "));
		operation.getResponses()
			.addApiResponse(String.valueOf(status.value()),
					new ApiResponse().description(description)
						.content(new Content().addMediaType("application/problem+json",
								new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
	}

	private static Schema<?> problemSchema() {
		StringSchema code = new StringSchema();
		for (ErrorCode value : ErrorCode.values()) {
			code.addEnumItem(value.name());
		}
		Schema<?> actionsSent = new ArraySchema().items(new StringSchema())
			.description("Only when a change failed: the actions sent to Valence, in order (a power change's Reset "
					+ "types, e.g. ForceOff; Boot Pxe/Continuous; compose; delete); one whose answer did not come "
					+ "back is listed, since Valence may have acted on it");
		Schema<?> nodeId = new StringSchema()
			.description("Only when a composition failed once Valence had composed the node, or a node already has "
					+ "the name: that node's id, so that nothing is left behind unreported");
		return new ObjectSchema().description("RFC 9457 problem document")
			.properties(Map.of("type", new StringSchema(), "title", new StringSchema(), "status", new IntegerSchema(),
					"detail", new StringSchema(), "instance", new StringSchema(), "code", code, "request_id",
					new StringSchema(), "actions_sent", actionsSent, "node_id", nodeId));
	}

}
