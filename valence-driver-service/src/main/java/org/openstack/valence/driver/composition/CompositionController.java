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
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import org.openstack.valence.driver.composition.CompositionJson.ComposeRequest;
import org.openstack.valence.driver.composition.CompositionJson.ComposedNodeView;
import org.openstack.valence.driver.composition.CompositionJson.FlavorView;
import org.openstack.valence.driver.composition.CompositionJson.NodePage;
import org.openstack.valence.driver.deadline.BudgetProperties;
import org.openstack.valence.driver.deadline.Deadline;
import org.openstack.valence.driver.error.Answers;
import org.openstack.valence.driver.error.InvalidRequestException;
import org.openstack.valence.driver.protocol.Protocol;
import org.openstack.valence.driver.valence.Composition;
import org.openstack.valence.driver.valence.ValenceClient;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import static org.openstack.valence.driver.error.ErrorCode.COMPOSITION_FAILED;
import static org.openstack.valence.driver.error.ErrorCode.COMPOSITION_TIMEOUT;
import static org.openstack.valence.driver.error.ErrorCode.FLAVOR_NOT_FOUND;
import static org.openstack.valence.driver.error.ErrorCode.FORBIDDEN;
import static org.openstack.valence.driver.error.ErrorCode.INTERNAL_ERROR;
import static org.openstack.valence.driver.error.ErrorCode.INVALID_REQUEST;
import static org.openstack.valence.driver.error.ErrorCode.NAME_IN_USE;
import static org.openstack.valence.driver.error.ErrorCode.NODE_NOT_FOUND;
import static org.openstack.valence.driver.error.ErrorCode.SERVICE_UNAVAILABLE;
import static org.openstack.valence.driver.error.ErrorCode.UNAUTHORIZED;
import static org.openstack.valence.driver.error.ErrorCode.VALENCE_ERROR;
import static org.openstack.valence.driver.error.ErrorCode.VALENCE_TIMEOUT;
import static org.openstack.valence.driver.error.ErrorCode.VALENCE_UNREACHABLE;

/** The composed nodes of Valence: list, compose, decompose; and its flavors. */
@RestController
@Tag(name = "composition")
class CompositionController {

	private static final Set<String> LIST_PARAMETERS = Set.of(Protocol.NODE_LIST_LIMIT, Protocol.NODE_LIST_MARKER);

	private static final java.util.regex.Pattern NODE_ID = java.util.regex.Pattern.compile(Protocol.NODE_ID_PATTERN);

	private final CompositionService composition;

	private final NodePages pages;

	private final ValenceClient valence;

	private final CompositionProperties properties;

	private final BudgetProperties budget;

	CompositionController(CompositionService composition, NodePages pages, ValenceClient valence,
			CompositionProperties properties, BudgetProperties budget) {
		this.composition = composition;
		this.pages = pages;
		this.valence = valence;
		this.properties = properties;
		this.budget = budget;
	}

	@Answers({ INVALID_REQUEST, UNAUTHORIZED, INTERNAL_ERROR, SERVICE_UNAVAILABLE, VALENCE_UNREACHABLE, VALENCE_TIMEOUT,
			VALENCE_ERROR })
	@Parameter(name = Protocol.NODE_LIST_LIMIT, in = ParameterIn.QUERY,
			description = "The most nodes of the page; at most once",
			schema = @Schema(type = "integer", minimum = "1", maximum = "" + Protocol.NODE_LIST_MAX_LIMIT,
					defaultValue = "" + Protocol.NODE_LIST_DEFAULT_LIMIT))
	@Parameter(name = Protocol.NODE_LIST_MARKER, in = ParameterIn.QUERY,
			description = "The node_id after which the page begins: the next_marker of the page before; "
					+ "the first page when absent; at most once",
			schema = @Schema(type = "string", pattern = Protocol.NODE_ID_PATTERN))
	@GetMapping(path = Protocol.API_VERSION_PREFIX + "/nodes", produces = MediaType.APPLICATION_JSON_VALUE)
	NodePage nodes(HttpServletRequest request) {
		Deadline deadline = this.budget.readDeadline();
		Map<String, String[]> query = request.getParameterMap();
		if (!LIST_PARAMETERS.containsAll(query.keySet())) {
			throw new InvalidRequestException("the node list takes no query parameter but " + Protocol.NODE_LIST_LIMIT
					+ " and " + Protocol.NODE_LIST_MARKER);
		}
		String limit = single(query, Protocol.NODE_LIST_LIMIT);
		String marker = single(query, Protocol.NODE_LIST_MARKER);
		if (marker != null && !NODE_ID.matcher(marker).matches()) {
			throw new InvalidRequestException(Protocol.NODE_LIST_MARKER + " must match " + Protocol.NODE_ID_PATTERN);
		}
		return this.pages.page(marker, (limit != null) ? limit(limit) : Protocol.NODE_LIST_DEFAULT_LIMIT, deadline);
	}

	/** The parameter's one value, or null when it is absent. */
	private static String single(Map<String, String[]> query, String name) {
		String[] values = query.get(name);
		if (values == null) {
			return null;
		}
		if (values.length != 1) {
			throw new InvalidRequestException(name + " is given " + values.length + " times; give it once");
		}
		return values[0];
	}

	private static int limit(String text) {
		int limit;
		try {
			limit = Integer.parseInt(text);
		}
		catch (NumberFormatException ex) {
			limit = 0;
		}
		if (limit < 1 || limit > Protocol.NODE_LIST_MAX_LIMIT || !text.equals(Integer.toString(limit))) {
			throw new InvalidRequestException(
					Protocol.NODE_LIST_LIMIT + " must be a whole number from 1 to " + Protocol.NODE_LIST_MAX_LIMIT);
		}
		return limit;
	}

	@Answers({ INVALID_REQUEST, UNAUTHORIZED, INTERNAL_ERROR, SERVICE_UNAVAILABLE, VALENCE_UNREACHABLE, VALENCE_TIMEOUT,
			VALENCE_ERROR })
	@GetMapping(path = Protocol.API_VERSION_PREFIX + "/flavors", produces = MediaType.APPLICATION_JSON_VALUE)
	List<FlavorView> flavors() {
		return this.valence.listFlavors(this.budget.readDeadline()).stream().map(FlavorView::of).toList();
	}

	/**
	 * The request's timeout is its deadline, counted from here, for the flavor lookup,
	 * the name check, the composition and the wait alike.
	 */
	@Answers({ INVALID_REQUEST, UNAUTHORIZED, FORBIDDEN, INTERNAL_ERROR, SERVICE_UNAVAILABLE, NODE_NOT_FOUND,
			VALENCE_UNREACHABLE, VALENCE_TIMEOUT, VALENCE_ERROR, FLAVOR_NOT_FOUND, NAME_IN_USE, COMPOSITION_FAILED,
			COMPOSITION_TIMEOUT })
	@PostMapping(path = Protocol.API_VERSION_PREFIX + "/nodes", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	ComposedNodeView compose(@Valid @RequestBody ComposeRequest request) {
		if ((request.flavor() == null) == (request.hardware() == null)) {
			throw new InvalidRequestException("give exactly one of 'flavor' and 'hardware'");
		}
		if (request.hardware() != null && request.hardware().totalCores() == null
				&& request.hardware().memoryMib() == null) {
			throw new InvalidRequestException("'hardware' needs 'total_cores', 'memory_mib' or both");
		}
		Duration timeout = (request.timeout() != null) ? Duration.ofSeconds(request.timeout())
				: this.properties.defaultTimeout();
		Deadline deadline = Deadline.after(timeout);
		Composition asked = (request.flavor() != null)
				? Composition.ofFlavor(request.name(), request.description(),
						this.composition.flavor(request.flavor(), deadline).uuid())
				: Composition.ofHardware(request.name(), request.description(), request.hardware().totalCores(),
						request.hardware().memoryMib());
		return ComposedNodeView.of(this.composition.compose(asked, deadline));
	}

	@Answers({ INVALID_REQUEST, UNAUTHORIZED, FORBIDDEN, INTERNAL_ERROR, SERVICE_UNAVAILABLE, NODE_NOT_FOUND,
			VALENCE_UNREACHABLE, VALENCE_TIMEOUT, VALENCE_ERROR })
	@DeleteMapping(Protocol.API_VERSION_PREFIX + "/nodes/{nodeId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void decompose(@PathVariable @Pattern(regexp = Protocol.NODE_ID_PATTERN) String nodeId) {
		this.composition.decompose(nodeId, this.budget.readDeadline());
	}

}
