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

import java.io.IOException;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.openstack.valence.driver.error.ProblemDocuments;
import org.openstack.valence.driver.protocol.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat's error report, as a problem document instead of its HTML page: for requests
 * Tomcat refuses before any filter or Spring sees them (a request line or header that is
 * not valid HTTP/1.1, an invalid or suspicious URI, a header section over the size
 * limit). Those are the client's mistakes, answered with the contract's one status for
 * INVALID_REQUEST, also where Tomcat would say 501 or 505; anything else that reaches
 * this far is INTERNAL_ERROR.
 */
class ProblemReportValve extends ErrorReportValve {

	private static final Logger log = LoggerFactory.getLogger(ProblemReportValve.class);

	private final ProblemDocuments problems;

	ProblemReportValve(ProblemDocuments problems) {
		this.problems = problems;
	}

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		if (response.getHeader(Protocol.REQUEST_ID_HEADER) == null) {
			response.setHeader(Protocol.REQUEST_ID_HEADER,
					RequestIds.acceptOrCreate(request.getHeader(Protocol.REQUEST_ID_HEADER)));
		}
		boolean clientError = status < 500 || status == HttpStatus.NOT_IMPLEMENTED.value()
				|| status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED.value();
		ProblemDetail problem = clientError ? ProblemDocuments.invalidRequest(refusal(status))
				: ProblemDocuments.internalError();
		// Never the request line or a header: they are what was wrong, and may hold the
		// token.
		log.debug("Tomcat refused a request ({}); answered {} {}", status, problem.getStatus(),
				problem.getProperties().get("code"));
		try {
			this.problems.write(request, response, problem);
			response.finishResponse();
		}
		catch (IOException ex) {
			log.debug("could not send the problem document of a refused request: {}", ex.toString());
		}
	}

	private static String refusal(int status) {
		HttpStatus known = HttpStatus.resolve(status);
		return "the server refused the request before reading it (" + status
				+ ((known != null) ? " " + known.getReasonPhrase() : "")
				+ "): its request line or headers are not valid HTTP/1.1, such as a control character, a space or a "
				+ "raw non-ASCII byte in the path, an encoded NUL or backslash, an unsupported protocol version or "
				+ "transfer coding, or a header line that is malformed or too long";
	}

}
