package org.openstack.valence.driver;

import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
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
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The document's fixed parts. The server is the documented default rather than
 * the address of whoever asked, so docs/openapi.yaml is the same on every build.
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
	 * Every /v1 operation can answer INVALID_REQUEST and UNAUTHORIZED; the node
	 * operations that ask Valence also its failures (the connection check reports
	 * them in its 200 answer instead), and so do the lists of nodes and flavors; a
	 * power change also UNSUPPORTED and POWER_STATE_TIMEOUT; a composition also
	 * FLAVOR_NOT_FOUND, NAME_IN_USE, COMPOSITION_FAILED and COMPOSITION_TIMEOUT.
	 */
	@Bean
	OpenApiCustomizer problemResponses() {
		return (openApi) -> openApi.getPaths().forEach((path, item) -> {
			boolean nodeScoped = path.startsWith("/v1/nodes/") && !path.endsWith("/power/supported");
			boolean asksValence = nodeScoped || path.equals("/v1/nodes") || path.equals("/v1/flavors");
			item.readOperationsMap().forEach((method, operation) -> {
				problem(operation, "400", "INVALID_REQUEST: malformed id, body, field or route");
				problem(operation, "401", "UNAUTHORIZED: missing or wrong bearer token");
				boolean composition = method == PathItem.HttpMethod.POST && path.equals("/v1/nodes");
				if (nodeScoped) {
					problem(operation, "404", "NODE_NOT_FOUND: Valence has no such node");
				}
				if (composition) {
					problem(operation, "404", "FLAVOR_NOT_FOUND: no Valence flavor has that uuid or name");
					problem(operation, "409", "NAME_IN_USE: a composed node has that name (node_id names it), or "
							+ "COMPOSITION_FAILED: Valence refused the composition, or the node ended Failed "
							+ "(node_id names it), with Valence's detail");
				}
				if (asksValence) {
					problem(operation, "502", "VALENCE_UNREACHABLE or VALENCE_ERROR, with Valence's detail"
							+ (composition ? "; node_id names the node when it had been composed" : ""));
				}
				boolean powerChange = method == PathItem.HttpMethod.PUT && path.endsWith("/power");
				if (powerChange) {
					problem(operation, "422", "UNSUPPORTED: soft power off (Valence has no GracefulShutdown)");
				}
				if (asksValence) {
					problem(operation, "504", timeoutDescription(powerChange, composition));
				}
			});
		});
	}

	private static String timeoutDescription(boolean powerChange, boolean composition) {
		if (powerChange) {
			return "VALENCE_TIMEOUT, or POWER_STATE_TIMEOUT when the node did not settle, by the request's "
					+ "timeout; actions_sent says which Reset actions were sent";
		}
		if (composition) {
			return "VALENCE_TIMEOUT, or COMPOSITION_TIMEOUT when the node was not Assembled, by the request's "
					+ "timeout; node_id names the node when it had been composed";
		}
		return "VALENCE_TIMEOUT: no answer from Valence within the read budget";
	}

	private static void problem(Operation operation, String status, String description) {
		operation.getResponses()
			.addApiResponse(status, new ApiResponse().description(description)
				.content(new Content().addMediaType("application/problem+json",
						new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
	}

	private static Schema<?> problemSchema() {
		StringSchema code = new StringSchema();
		for (ErrorCode value : ErrorCode.values()) {
			code.addEnumItem(value.name());
		}
		Schema<?> actionsSent = new ArraySchema().items(new StringSchema())
			.description("Only when a power change failed after asking Valence: the Reset types sent, in order; one "
					+ "whose answer did not come back is listed, since Valence may have acted on it");
		Schema<?> nodeId = new StringSchema()
			.description("Only when a composition failed once Valence had composed the node, or a node already has "
					+ "the name: that node's id, so that nothing is left behind unreported");
		return new ObjectSchema().description("RFC 9457 problem document")
			.properties(Map.of("type", new StringSchema(), "title", new StringSchema(), "status", new IntegerSchema(),
					"detail", new StringSchema(), "instance", new StringSchema(), "code", code, "request_id",
					new StringSchema(), "actions_sent", actionsSent, "node_id", nodeId));
	}

}
