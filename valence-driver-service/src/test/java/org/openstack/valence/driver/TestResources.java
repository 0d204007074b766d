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
