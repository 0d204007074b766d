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

package org.openstack.valence.driver.web;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openstack.valence.driver.ServiceTest;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Request bodies are read as written, never coerced: each of these would, if accepted,
 * switch a server on or off or change how it boots on a guess. Valence must hear nothing
 * of any of them.
 */
class StrictBindingTest extends ServiceTest {

	private static final String POWER = "/v1/nodes/node-1/power";

	private static final String BOOT = "/v1/nodes/node-1/boot-device";

	static Stream<Arguments> refusedBodies() {
		return Stream.of(
				// Numbers, in any form, for an enum
				argumentSet("integer target", POWER, "{\"target\": 0}", "'target'"),
				argumentSet("integer target in a string", POWER, "{\"target\": \"0\"}", "'target'"),
				argumentSet("float target", POWER, "{\"target\": 1.5}", "'target'"),
				argumentSet("integer boot device", BOOT, "{\"boot_device\": 0}", "'boot_device'"),
				argumentSet("integer boot device in a string", BOOT, "{\"boot_device\": \"1\"}", "'boot_device'"),
				// Other shapes for an enum
				argumentSet("boolean target", POWER, "{\"target\": true}", "'target'"),
				argumentSet("array target", POWER, "{\"target\": [\"power on\"]}", "'target'"),
				argumentSet("object target", POWER, "{\"target\": {\"state\": \"power on\"}}", "'target'"),
				argumentSet("Java constant name as target", POWER, "{\"target\": \"POWER_ON\"}", "'target'"),
				argumentSet("target in another case", POWER, "{\"target\": \"Power On\"}", "'target'"),
				argumentSet("empty target", POWER, "{\"target\": \"\"}", "'target'"),
				argumentSet("boot device in another case", BOOT, "{\"boot_device\": \"PXE\"}", "'boot_device'"),
				// Integers only where an integer is meant
				argumentSet("timeout as a string", POWER, "{\"target\": \"power on\", \"timeout\": \"30\"}",
						"'timeout'"),
				argumentSet("fractional timeout", POWER, "{\"target\": \"power on\", \"timeout\": 1.5}", "'timeout'"),
				argumentSet("integral timeout written as a float", POWER,
						"{\"target\": \"power on\", \"timeout\": 30.0}", "'timeout'"),
				argumentSet("timeout in exponent form", POWER, "{\"target\": \"power on\", \"timeout\": 1e2}",
						"'timeout'"),
				argumentSet("boolean timeout", POWER, "{\"target\": \"power on\", \"timeout\": true}", "'timeout'"),
				argumentSet("timeout past the integer range", POWER,
						"{\"target\": \"power on\", \"timeout\": 99999999999}", "'timeout'"),
				argumentSet("timeout as an array", POWER, "{\"target\": \"power on\", \"timeout\": [30]}", "'timeout'"),
				// Booleans only as JSON booleans
				argumentSet("persistent as 1", BOOT, "{\"boot_device\": \"pxe\", \"persistent\": 1}", "'persistent'"),
				argumentSet("persistent as 0", BOOT, "{\"boot_device\": \"pxe\", \"persistent\": 0}", "'persistent'"),
				argumentSet("persistent as \"true\"", BOOT, "{\"boot_device\": \"pxe\", \"persistent\": \"true\"}",
						"'persistent'"),
				argumentSet("persistent as \"yes\"", BOOT, "{\"boot_device\": \"pxe\", \"persistent\": \"yes\"}",
						"'persistent'"),
				// A key given twice is not "the last one wins"
				argumentSet("target given twice", POWER, "{\"target\": \"power on\", \"target\": \"power off\"}",
						"\"target\""),
				argumentSet("timeout given twice", POWER,
						"{\"target\": \"power on\", \"timeout\": 5, \"timeout\": 600}", "\"timeout\""),
				argumentSet("boot device given twice", BOOT, "{\"boot_device\": \"pxe\", \"boot_device\": \"disk\"}",
						"\"boot_device\""),
				// null where a value is required
				argumentSet("null target", POWER, "{\"target\": null}", "target"),
				argumentSet("null boot device", BOOT, "{\"boot_device\": null, \"persistent\": true}", "boot_device"),
				argumentSet("missing target", POWER, "{\"timeout\": 30}", "target"),
				// Unknown keys, at any depth
				argumentSet("unknown key", POWER, "{\"target\": \"power on\", \"force\": true}", "'force'"),
				argumentSet("unknown key holding an object", POWER,
						"{\"target\": \"power on\", \"options\": {\"timeout\": 5}}", "'options'"),
				argumentSet("key in another case", POWER, "{\"Target\": \"power on\"}", "'Target'"));
	}

	@ParameterizedTest
	@MethodSource("refusedBodies")
	void refusedBodyNamesTheFieldAndReachesNoValence(String path, String body, String named) throws Exception {
		this.mvc
			.perform(put(path).header("Authorization", BEARER).contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.detail").value(containsString(named)));
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	static Stream<Arguments> unreadableBodies() {
		return Stream.of(argumentSet("empty body", ""), argumentSet("JSON null", "null"),
				argumentSet("JSON array", "[{\"target\": \"power on\"}]"), argumentSet("JSON string", "\"power on\""),
				argumentSet("trailing garbage", "{\"target\": \"power on\"} power off"),
				argumentSet("a second document", "{\"target\": \"power on\"}{\"target\": \"power off\"}"),
				argumentSet("truncated document", "{\"target\": \"power on\""),
				argumentSet("single quotes", "{'target': 'power on'}"),
				argumentSet("a comment", "{\"target\": \"power on\" /* now */}"),
				argumentSet("trailing comma", "{\"target\": \"power on\",}"),
				argumentSet("NaN timeout", "{\"target\": \"power on\", \"timeout\": NaN}"),
				argumentSet("leading zero", "{\"target\": \"power on\", \"timeout\": 030}"));
	}

	@ParameterizedTest
	@MethodSource("unreadableBodies")
	void unreadableBodyIsInvalidRequestAndReachesNoValence(String body) throws Exception {
		this.mvc
			.perform(put(POWER).header("Authorization", BEARER).contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"))
			.andExpect(jsonPath("$.detail").isNotEmpty());
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	static Stream<Arguments> wrongContentTypes() {
		return Stream.of(argumentSet("text/plain", MediaType.TEXT_PLAIN_VALUE),
				argumentSet("form encoded", MediaType.APPLICATION_FORM_URLENCODED_VALUE),
				argumentSet("XML", MediaType.APPLICATION_XML_VALUE), argumentSet("malformed media type", "json"));
	}

	@ParameterizedTest
	@MethodSource("wrongContentTypes")
	void bodyOfAnotherMediaTypeIsInvalidRequestAndReachesNoValence(String contentType) throws Exception {
		this.mvc
			.perform(put(POWER).header("Authorization", BEARER)
				.header("Content-Type", contentType)
				.content("{\"target\": \"power on\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"));
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

	@Test
	void bodyWithoutContentTypeIsInvalidRequestAndReachesNoValence() throws Exception {
		this.mvc.perform(put(POWER).header("Authorization", BEARER).content("{\"target\": \"power on\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.code").value("INVALID_REQUEST"));
		assertThat(valence.getAllServeEvents()).isEmpty();
	}

}
