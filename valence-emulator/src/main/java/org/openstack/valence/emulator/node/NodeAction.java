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

import java.util.Set;

import tools.jackson.databind.JsonNode;

import org.openstack.valence.emulator.web.StrictJson;
import org.openstack.valence.emulator.web.ValenceException;

/**
 * One action of {@code POST /v1/nodes/{uuid}/action}, read with Valence's
 * node_action_schema: exactly one of Reset or Boot, no other key at any level. Valence's
 * attach/detach (pooled storage) are not emulated and so are unknown keys here.
 */
public sealed interface NodeAction {

	record Reset(ResetType type) implements NodeAction {
	}

	record Boot(BootEnabled enabled, BootTarget target) implements NodeAction {
	}

	String RESET = "Reset";

	String BOOT = "Boot";

	/**
	 * Reads an action body.
	 * @throws ValenceException 400 "Validation Error" for anything Valence's schema
	 * rejects
	 */
	static NodeAction read(JsonNode body) {
		StrictJson.object(body, "", Set.of(RESET, BOOT));
		if (body.size() != 1) {
			throw ValenceException
				.validation(body.size() + " actions given; exactly one of 'Reset' or 'Boot' is required");
		}
		if (body.has(RESET)) {
			JsonNode reset = StrictJson.object(body.get(RESET), RESET, Set.of("Type"));
			return new Reset(StrictJson.requiredEnum(reset, "Type", RESET, ResetType.class));
		}
		JsonNode boot = StrictJson.object(body.get(BOOT), BOOT, Set.of("Enabled", "Target"));
		return new Boot(StrictJson.requiredEnum(boot, "Enabled", BOOT, BootEnabled.class),
				StrictJson.requiredEnum(boot, "Target", BOOT, BootTarget.class));
	}

}
