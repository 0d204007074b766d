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

package org.openstack.valence.emulator.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openstack.valence.emulator.web.StrictJson;
import org.openstack.valence.emulator.web.ValenceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class NodeActionTest {

	@ParameterizedTest
	@EnumSource(ResetType.class)
	void acceptsEveryResetTypeValenceAllows(ResetType type) {
		NodeAction action = read("{\"Reset\": {\"Type\": \"" + type + "\"}}");

		assertThat(action).isEqualTo(new NodeAction.Reset(type));
	}

	@Test
	void acceptsABootOverride() {
		NodeAction action = read("{\"Boot\": {\"Enabled\": \"Once\", \"Target\": \"Pxe\"}}");

		assertThat(action).isEqualTo(new NodeAction.Boot(BootEnabled.Once, BootTarget.Pxe));
	}

	@ParameterizedTest
	@ValueSource(strings = { "GracefulShutdown", "ForceRestart", "PowerCycle", "Nmi", "on" })
	void rejectsResetTypesValenceDoesNotAllow(String type) {
		assertInvalid("{\"Reset\": {\"Type\": \"" + type + "\"}}",
				"\"" + type + "\" is not one of ['On', 'ForceOn', 'ForceOff', 'GracefulRestart'] (at Reset.Type)");
	}

	@Test
	void rejectsTwoActionsInOneBody() {
		assertInvalid("{\"Reset\": {\"Type\": \"On\"}, \"Boot\": {\"Enabled\": \"Once\", \"Target\": \"Pxe\"}}",
				"2 actions given; exactly one of 'Reset' or 'Boot' is required");
	}

	@Test
	void rejectsAnEmptyObject() {
		assertInvalid("{}", "0 actions given; exactly one of 'Reset' or 'Boot' is required");
	}

	@Test
	void rejectsAnExtraTopLevelKey() {
		assertInvalid("{\"Reset\": {\"Type\": \"On\"}, \"force\": true}",
				"Additional properties are not allowed ('force' was unexpected)");
	}

	@Test
	void rejectsAnExtraKeyInReset() {
		assertInvalid("{\"Reset\": {\"Type\": \"On\", \"Delay\": 5}}",
				"Additional properties are not allowed ('Delay' was unexpected) (at Reset)");
	}

	@Test
	void rejectsAnExtraKeyInBoot() {
		assertInvalid("{\"Boot\": {\"Enabled\": \"Once\", \"Target\": \"Pxe\", \"Mode\": \"UEFI\"}}",
				"Additional properties are not allowed ('Mode' was unexpected) (at Boot)");
	}

	@Test
	void rejectsValencesStorageActionsWhichAreNotEmulated() {
		assertInvalid("{\"attach\": {\"resource_id\": \"1\"}}",
				"Additional properties are not allowed ('attach' was unexpected)");
	}

	@Test
	void rejectsAResetThatIsNotAnObject() {
		assertInvalid("{\"Reset\": \"On\"}", "\"On\" is not of type 'object' (at Reset)");
	}

	@Test
	void rejectsATypeThatIsNotAString() {
		assertInvalid("{\"Reset\": {\"Type\": 1}}",
				"1 is not one of ['On', 'ForceOn', 'ForceOff', 'GracefulRestart'] (at Reset.Type)");
	}

	@Test
	void rejectsAResetWithoutType() {
		assertInvalid("{\"Reset\": {}}", "'Type' is a required property (at Reset)");
	}

	@Test
	void rejectsABootWithoutTarget() {
		assertInvalid("{\"Boot\": {\"Enabled\": \"Once\"}}", "'Target' is a required property (at Boot)");
	}

	@Test
	void rejectsAnUnknownBootTarget() {
		assertInvalid("{\"Boot\": {\"Enabled\": \"Once\", \"Target\": \"Cd\"}}",
				"\"Cd\" is not one of ['Pxe', 'Hdd', 'None'] (at Boot.Target)");
	}

	@Test
	void rejectsAnUnknownBootEnabled() {
		assertInvalid("{\"Boot\": {\"Enabled\": \"Disabled\", \"Target\": \"Pxe\"}}",
				"\"Disabled\" is not one of ['Once', 'Continuous'] (at Boot.Enabled)");
	}

	@Test
	void rejectsABodyThatIsNotAnObject() {
		assertInvalid("[{\"Reset\": {\"Type\": \"On\"}}]", "[{\"Reset\":{\"Type\":\"On\"}}] is not of type 'object'");
	}

	@Test
	void rejectsDuplicateKeysInsteadOfKeepingOne() {
		assertInvalid("{\"Reset\": {\"Type\": \"On\"}, \"Reset\": {\"Type\": \"ForceOff\"}}",
				"Request body is not valid JSON (line 1, column 34)");
	}

	@Test
	void rejectsTruncatedJson() {
		assertInvalid("{\"Reset\": {\"Type\": \"On\"", "Request body is not valid JSON (line 1, column 24)");
	}

	@Test
	void rejectsAnEmptyBody() {
		assertInvalid("", "Request body is missing");
	}

	private static NodeAction read(String body) {
		return NodeAction.read(StrictJson.parse(body));
	}

	private static void assertInvalid(String body, String detail) {
		assertThatExceptionOfType(ValenceException.class).isThrownBy(() -> read(body)).satisfies((ex) -> {
			assertThat(ex.status().value()).isEqualTo(400);
			assertThat(ex.title()).isEqualTo("Validation Error");
			assertThat(ex.getMessage()).isEqualTo(detail);
		});
	}

}
