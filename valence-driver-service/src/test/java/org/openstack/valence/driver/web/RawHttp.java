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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests written to a real server byte for byte (like {@code curl
 * --path-as-is}, but also where curl would refuse), so that neither a client library nor
 * MockMvc normalises them first. Every request asks the server to close the connection,
 * so the answer is all that comes before the end of the stream.
 */
final class RawHttp {

	private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3})");

	private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Z_]+)\"");

	private RawHttp() {
	}

	/** A request line, the given header lines, then Host and Connection: close. */
	static byte[] request(String requestLine, String... headerLines) {
		return request(requestLine.getBytes(StandardCharsets.UTF_8), headerLines);
	}

	static byte[] request(byte[] requestLine, String... headerLines) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(requestLine);
		out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		for (String line : headerLines) {
			out.writeBytes((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
		}
		out.writeBytes("Host: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		return out.toByteArray();
	}

	/** A POST of {@code body} as JSON, after the given header lines. */
	static byte[] postJson(String path, String body, String... headerLines) {
		byte[] content = body.getBytes(StandardCharsets.UTF_8);
		String[] lines = Arrays.copyOf(headerLines, headerLines.length + 2);
		lines[headerLines.length] = "Content-Type: application/json";
		lines[headerLines.length + 1] = "Content-Length: " + content.length;
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(request("POST " + path + " HTTP/1.1", lines));
		out.writeBytes(content);
		return out.toByteArray();
	}

	static Answer exchange(int port, byte[] request) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request);
			socket.getOutputStream().flush();
			InputStream in = socket.getInputStream();
			return new Answer(new String(in.readNBytes(256 * 1024), StandardCharsets.UTF_8));
		}
	}

	/** The whole answer as text: status line, headers and (perhaps chunked) body. */
	record Answer(String text) {

		int status() {
			Matcher matcher = STATUS.matcher(this.text);
			return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
		}

		String head() {
			int end = this.text.indexOf("\r\n\r\n");
			return (end < 0) ? this.text : this.text.substring(0, end);
		}

		String code() {
			Matcher matcher = CODE.matcher(this.text);
			return matcher.find() ? matcher.group(1) : null;
		}

	}

}
