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

package org.openstack.valence.driver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the Valence answers kept under src/test/resources. */
public final class TestResources {

	private TestResources() {
	}

	public static String read(String name) {
		try (InputStream in = TestResources.class.getResourceAsStream("/" + name)) {
			if (in == null) {
				throw new IllegalArgumentException("no test resource " + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A Valence error object, as Valence's API-WG middleware writes it. */
	public static String valenceError(int status, String title, String detail) {
		return "{\"request_id\": \"req-valence\", \"code\": \"" + title + "\", \"status\": " + status
				+ ", \"title\": \"" + title + "\", \"detail\": \"" + detail + "\"}";
	}

}
