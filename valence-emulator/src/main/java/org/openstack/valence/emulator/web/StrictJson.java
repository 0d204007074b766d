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

package org.openstack.valence.emulator.web;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies the way Valence's jsonschema validation does: objects must carry
 * only the properties the schema names (additionalProperties is false at every level),
 * and values must have the schema's type or enum. Messages follow Python jsonschema's
 * wording, which is what Valence puts in {@code detail}.
 */
public final class StrictJson {

	/**
	 * Duplicate keys are rejected: otherwise {"Reset":..,"Reset":..} would silently keep
	 * one action.
	 */
	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private StrictJson() {
	}

	/**
	 * Parses a request body.
	 * @throws ValenceException 400 when the body is empty or not JSON
	 */
	public static JsonNode parse(String body) {
		if (body == null || body.isBlank()) {
			throw ValenceException.validation("Request body is missing");
		}
		try {
			return MAPPER.readTree(body);
		}
		catch (JacksonException ex) {
			String where = (ex.getLocation() != null)
					? " (line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr() + ")"
					: "";
			throw ValenceException.validation("Request body is not valid JSON" + where);
		}
	}

	/**
	 * Checks that {@code node} is an object holding no property outside {@code allowed}.
	 * @throws ValenceException 400 otherwise
	 */
	public static JsonNode object(JsonNode node, String where, Set<String> allowed) {
		if (node == null || !node.isObject()) {
			throw ValenceException.validation(describe(node) + " is not of type 'object'" + at(where));
		}
		List<String> unexpected = node.propertyNames().stream().filter((name) -> !allowed.contains(name)).toList();
		if (!unexpected.isEmpty()) {
			throw ValenceException.validation("Additional properties are not allowed ("
					+ unexpected.stream().map((name) -> "'" + name + "'").collect(Collectors.joining(", "))
					+ (unexpected.size() == 1 ? " was" : " were") + " unexpected)" + at(where));
		}
		return node;
	}

	/**
	 * The named property, which must be present.
	 * @throws ValenceException 400 when it is absent
	 */
	public static JsonNode required(JsonNode object, String name, String where) {
		JsonNode value = object.get(name);
		if (value == null) {
			throw ValenceException.validation("'" + name + "' is a required property" + at(where));
		}
		return value;
	}

	/**
	 * A string property.
	 * @throws ValenceException 400 when present but not a string
	 */
	public static Optional<String> optionalString(JsonNode object, String name, String where) {
		JsonNode value = object.get(name);
		if (value == null) {
			return Optional.empty();
		}
		if (!value.isString()) {
			throw ValenceException.validation(describe(value) + " is not of type 'string'" + at(join(where, name)));
		}
		return Optional.of(value.stringValue());
	}

	/**
	 * A required string property.
	 * @throws ValenceException 400 when absent or not a string
	 */
	public static String requiredString(JsonNode object, String name, String where) {
		required(object, name, where);
		return optionalString(object, name, where).orElseThrow();
	}

	/**
	 * A required property whose value is one of the enum's constant names (Valence's wire
	 * names).
	 * @throws ValenceException 400 when absent or not one of them
	 */
	public static <E extends Enum<E>> E requiredEnum(JsonNode object, String name, String where, Class<E> type) {
		JsonNode value = required(object, name, where);
		E[] constants = type.getEnumConstants();
		if (value.isString()) {
			for (E constant : constants) {
				if (constant.name().equals(value.stringValue())) {
					return constant;
				}
			}
		}
		String names = Arrays.stream(constants)
			.map((constant) -> "'" + constant.name() + "'")
			.collect(Collectors.joining(", ", "[", "]"));
		throw ValenceException.validation(describe(value) + " is not one of " + names + at(join(where, name)));
	}

	/**
	 * An integer property within bounds.
	 * @throws ValenceException 400 when present but not an integer in [min, max]
	 */
	public static Optional<Integer> optionalInt(JsonNode object, String name, int min, int max) {
		JsonNode value = object.get(name);
		if (value == null) {
			return Optional.empty();
		}
		if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
			throw ValenceException
				.validation(describe(value) + " is not an integer between " + min + " and " + max + at(name));
		}
		return Optional.of(value.intValue());
	}

	/**
	 * A number property within bounds.
	 * @throws ValenceException 400 when present but not a number in [min, max]
	 */
	public static Optional<Double> optionalNumber(JsonNode object, String name, double min, double max) {
		JsonNode value = object.get(name);
		if (value == null) {
			return Optional.empty();
		}
		if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
			throw ValenceException
				.validation(describe(value) + " is not a number between " + min + " and " + max + at(name));
		}
		return Optional.of(value.doubleValue());
	}

	/**
	 * A boolean property.
	 * @throws ValenceException 400 when present but not a boolean
	 */
	public static Optional<Boolean> optionalBoolean(JsonNode object, String name) {
		JsonNode value = object.get(name);
		if (value == null) {
			return Optional.empty();
		}
		if (!value.isBoolean()) {
			throw ValenceException.validation(describe(value) + " is not of type 'boolean'" + at(name));
		}
		return Optional.of(value.booleanValue());
	}

	private static String describe(JsonNode value) {
		if (value == null) {
			return "null";
		}
		String text = value.toString();
		return (text.length() > 80) ? text.substring(0, 77) + "..." : text;
	}

	private static String join(String where, String name) {
		return where.isEmpty() ? name : where + "." + name;
	}

	private static String at(String where) {
		return where.isEmpty() ? "" : " (at " + where + ")";
	}

}
