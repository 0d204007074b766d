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

package org.openstack.valence.driver.security;

import java.util.List;
import java.util.Locale;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * What a bearer token may do. A change token may read as well: the conductors' power sync
 * reads with the token that changes power.
 */
public enum Role {

	/** Reads of the API (GET, power reads of many nodes) and the actuator's metrics. */
	READ,

	/** Everything: power and boot device changes, compose and decompose, and reads. */
	CHANGE;

	static final String READ_ROLE = "READ";

	static final String CHANGE_ROLE = "CHANGE";

	/** The role's word in the token digests file. */
	public String word() {
		return name().toLowerCase(Locale.ROOT);
	}

	List<GrantedAuthority> authorities() {
		GrantedAuthority read = new SimpleGrantedAuthority("ROLE_" + READ_ROLE);
		return switch (this) {
			case READ -> List.of(read);
			case CHANGE -> List.of(read, new SimpleGrantedAuthority("ROLE_" + CHANGE_ROLE));
		};
	}

}
