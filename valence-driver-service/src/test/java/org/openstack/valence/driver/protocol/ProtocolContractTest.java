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

package org.openstack.valence.driver.protocol;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openstack.valence.driver.error.Answers;
import org.openstack.valence.driver.error.ErrorCode;
import org.openstack.valence.driver.error.OperationErrors;
import org.openstack.valence.driver.node.PowerPlan;
import org.openstack.valence.driver.valence.ValenceException.Failure;
import org.python.core.PyObject;
import org.python.core.PySystemState;
import org.python.util.PythonInterpreter;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shim's protocol module, run by Jython, against the service's enums and constants:
 * either side changing alone fails here.
 */
class ProtocolContractTest {

	private static PythonInterpreter python;

	@BeforeAll
	static void loadProtocolModule() {
		Path module = Path.of(System.getProperty("protocol.module", "../shim-python/ironic_valence/protocol.py"));
		assertThat(module).as("the shim's protocol module").exists();
		Properties options = new Properties();
		options.setProperty("python.import.site", "false");
		options.setProperty("python.cachedir.skip", "true");
		options.setProperty("python.console.encoding", "UTF-8");
		PythonInterpreter.initialize(System.getProperties(), options, new String[0]);
		python = new PythonInterpreter(null, new PySystemState());
		python.execfile(module.toAbsolutePath().toString());
	}

	private static String string(String name) {
		return python.get(name).asString();
	}

	private static int integer(String name) {
		return python.get(name).asInt();
	}

	private static List<String> strings(String name) {
		List<String> values = new ArrayList<>();
		for (PyObject item : python.eval("list(" + name + ")").asIterable()) {
			values.add(item.asString());
		}
		return values;
	}

	private static List<String> wire(Enum<?>[] values) {
		return Arrays.stream(values).map(Object::toString).toList();
	}

	@Test
	void errorCodesAndTheirStatusesAgree() {
		Map<String, Integer> python = new LinkedHashMap<>();
		for (PyObject pair : ProtocolContractTest.python.eval("sorted(ERROR_STATUS.items())").asIterable()) {
			python.put(pair.__getitem__(0).asString(), pair.__getitem__(1).asInt());
		}
		Map<String, Integer> java = Arrays.stream(ErrorCode.values())
			.sorted((a, b) -> a.name().compareTo(b.name()))
			.collect(Collectors.toMap(ErrorCode::name, (code) -> code.status().value(), (a, b) -> a,
					LinkedHashMap::new));

		assertThat(java).containsExactlyEntriesOf(python);
		assertThat(strings("ERROR_CODES")).containsExactlyElementsOf(java.keySet());
	}

	@Test
	void eachErrorCodeConstantNamesItself() {
		for (ErrorCode code : ErrorCode.values()) {
			assertThat(string(code.name())).isEqualTo(code.name());
		}
	}

	@Test
	void supportedPowerStatesAgreeInOrder() {
		assertThat(wire(PowerPlan.SUPPORTED.toArray(new PowerState[0])))
			.containsExactlyElementsOf(strings("SUPPORTED_POWER_STATES"));
	}

	@Test
	void readablePowerStatesAgreeInOrder() {
		assertThat(wire(PowerState.readable().toArray(new PowerState[0])))
			.containsExactlyElementsOf(strings("POWER_STATES_READ"));
	}

	@Test
	void everyPowerStateStringAgrees() {
		assertThat(PowerState.POWER_ON.wire()).isEqualTo(string("POWER_ON"));
		assertThat(PowerState.POWER_OFF.wire()).isEqualTo(string("POWER_OFF"));
		assertThat(PowerState.REBOOT.wire()).isEqualTo(string("REBOOT"));
		assertThat(PowerState.SOFT_REBOOT.wire()).isEqualTo(string("SOFT_REBOOT"));
		assertThat(PowerState.SOFT_POWER_OFF.wire()).isEqualTo(string("SOFT_POWER_OFF"));
		assertThat(PowerState.ERROR.wire()).isEqualTo(string("POWER_ERROR"));
	}

	@Test
	void bootDevicesAgreeInOrder() {
		assertThat(wire(BootDevice.values())).containsExactlyElementsOf(strings("SUPPORTED_BOOT_DEVICES"));
		assertThat(BootDevice.PXE.wire()).isEqualTo(string("BOOT_DEVICE_PXE"));
		assertThat(BootDevice.DISK.wire()).isEqualTo(string("BOOT_DEVICE_DISK"));
	}

	@Test
	void nodeIdPatternAgrees() {
		assertThat(Protocol.NODE_ID_PATTERN).isEqualTo(string("NODE_ID_PATTERN"));
	}

	@Test
	void requestIdHeaderAgrees() {
		assertThat(Protocol.REQUEST_ID_HEADER).isEqualTo(string("REQUEST_ID_HEADER"));
	}

	@Test
	void timeBudgetAgrees() {
		assertThat(Protocol.READ_BUDGET_SECONDS).isEqualTo(integer("READ_BUDGET_SECONDS"));
		assertThat(Protocol.POWER_TIMEOUT_MIN_SECONDS).isEqualTo(integer("POWER_TIMEOUT_MIN_SECONDS"));
		assertThat(Protocol.POWER_TIMEOUT_MAX_SECONDS).isEqualTo(integer("POWER_TIMEOUT_MAX_SECONDS"));
		assertThat(Protocol.ANSWER_OVERSHOOT_SECONDS).isEqualTo(integer("ANSWER_OVERSHOOT_SECONDS"));
	}

	@Test
	void powerReadsBatchSizeAgrees() {
		assertThat(Protocol.POWER_READS_MAX_NODES).isEqualTo(integer("POWER_READS_MAX_NODES"));
	}

	@Test
	void nodeListPagingAgrees() {
		Map.of("NODE_LIST_LIMIT", Protocol.NODE_LIST_LIMIT, "NODE_LIST_MARKER", Protocol.NODE_LIST_MARKER,
				"NODE_LIST_NODES", Protocol.NODE_LIST_NODES, "NODE_LIST_NEXT_MARKER", Protocol.NODE_LIST_NEXT_MARKER)
			.forEach((name, word) -> assertThat(word).as(name).isEqualTo(string(name)));
		assertThat(Protocol.NODE_LIST_DEFAULT_LIMIT).isEqualTo(integer("NODE_LIST_DEFAULT_LIMIT"));
		assertThat(Protocol.NODE_LIST_MAX_LIMIT).isEqualTo(integer("NODE_LIST_MAX_LIMIT"));
	}

	/**
	 * The codes the OpenAPI document allows a node of a power read of many nodes, and
	 * every code a failed Valence read of a node becomes there.
	 */
	@Test
	void powerReadErrorsAgree() throws ReflectiveOperationException {
		Schema error = Class.forName("org.openstack.valence.driver.node.NodeJson$PowerReadFailure")
			.getDeclaredField("error")
			.getAnnotation(Schema.class);
		assertThat(error.allowableValues()).containsExactlyInAnyOrderElementsOf(strings("POWER_READ_ERRORS"));
		assertThat(Arrays.stream(Failure.values()).map(ErrorCode::of).map(ErrorCode::name))
			.isSubsetOf(strings("POWER_READ_ERRORS"));
	}

	@Test
	void healthWordsAgreeInOrder() {
		assertThat(Protocol.HEALTH_STATES).containsExactlyElementsOf(strings("HEALTH_STATES"));
	}

	@Test
	void failedCompositionStateAgrees() {
		assertThat(Protocol.COMPOSITION_STATE_FAILED).isEqualTo(string("COMPOSITION_STATE_FAILED"));
	}

	@Test
	void inventoryKeysAgreeInOrder() throws ClassNotFoundException {
		List<String> keys = Arrays
			.stream(Class.forName("org.openstack.valence.driver.node.NodeJson$Inventory").getRecordComponents())
			.map((component) -> Optional.ofNullable(component.getAccessor().getAnnotation(JsonProperty.class))
				.map(JsonProperty::value)
				.orElse(component.getName()))
			.toList();
		assertThat(keys).containsExactlyElementsOf(strings("INVENTORY_KEYS"));
	}

	/**
	 * The codes each API operation can answer ({@link OperationErrors}: every operation's
	 * and its {@link Answers}) are protocol.OPERATION_ERRORS's; the OpenAPI document is
	 * written from the former.
	 */
	@Test
	void eachOperationAnswersTheErrorsOfTheProtocol() {
		Map<String, Set<String>> python = new TreeMap<>();
		for (PyObject pair : ProtocolContractTest.python.eval("sorted(OPERATION_ERRORS.items())").asIterable()) {
			Set<String> codes = new TreeSet<>();
			for (PyObject code : pair.__getitem__(1).asIterable()) {
				codes.add(code.asString());
			}
			python.put(pair.__getitem__(0).asString(), codes);
		}
		assertThat(operationErrors()).containsExactlyEntriesOf(python);
	}

	private static Map<String, Set<String>> operationErrors() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(RestController.class));
		Map<String, Set<String>> java = new TreeMap<>();
		for (BeanDefinition controller : scanner.findCandidateComponents("org.openstack.valence.driver")) {
			Class<?> type = ClassUtils.resolveClassName(controller.getBeanClassName(), null);
			for (Method method : type.getDeclaredMethods()) {
				if (AnnotatedElementUtils.hasAnnotation(method, RequestMapping.class)) {
					java.put(method.getName(),
							OperationErrors.of(method)
								.stream()
								.map(ErrorCode::name)
								.collect(Collectors.toCollection(TreeSet::new)));
				}
			}
		}
		return java;
	}

	@Test
	void apiPrefixAgrees() {
		assertThat(Protocol.API_VERSION_PREFIX).isEqualTo(string("API_VERSION_PREFIX"));
	}

}
