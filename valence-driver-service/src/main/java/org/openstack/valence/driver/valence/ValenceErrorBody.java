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

package org.openstack.valence.driver.valence;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Valence's OpenStack API-WG error object. */
@JsonIgnoreProperties(ignoreUnknown = true)
record ValenceErrorBody(String code, Integer status, String title, String detail) {

	/**
	 * Null when the body is not such an object (an HTML proxy page, garbage, nothing).
	 */
	static ValenceErrorBody parse(JsonMapper json, String body) {
		if (body == null || body.isBlank()) {
			return null;
		}
		try {
			ValenceErrorBody error = json.readValue(body, ValenceErrorBody.class);
			return (error != null && (error.title != null || error.detail != null)) ? error : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** Title and detail as Valence wrote them, e.g. "Validation Error: ...". */
	String describe() {
		if (this.title == null) {
			return this.detail;
		}
		return (this.detail == null) ? this.title : this.title + ": " + this.detail;
	}

}
