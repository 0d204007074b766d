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
