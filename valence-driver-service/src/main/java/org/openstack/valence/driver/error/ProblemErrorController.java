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

package org.openstack.valence.driver.error;

import java.io.IOException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The servlet container's error page, in place of Spring Boot's default JSON: what Tomcat
 * refuses inside the application (TRACE) or a failure outside Spring MVC is answered as a
 * problem document like every other error. A client error keeps the contract's single
 * status for INVALID_REQUEST; the container's Allow header, when it set one, stays. A
 * request for the error page itself is not an error dispatch: it is answered as the route
 * the API does not have, not as a fault of the service.
 */
@Controller
class ProblemErrorController implements ErrorController {

	private final ProblemDocuments problems;

	ProblemErrorController(ProblemDocuments problems) {
		this.problems = problems;
	}

	@RequestMapping("${server.error.path:/error}")
	void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
		int status = (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code) ? code
				: HttpServletResponse.SC_NOT_FOUND;
		HttpStatus known = HttpStatus.resolve(status);
		ProblemDetail problem;
		if (status == HttpServletResponse.SC_NOT_FOUND) {
			problem = ProblemDocuments.routeNotFound(method(request), ProblemDocuments.path(request));
		}
		else if (known != null && known.is4xxClientError()) {
			problem = ProblemDocuments.invalidRequest("the server refused " + method(request) + " "
					+ ProblemDocuments.path(request) + " (" + status + " " + known.getReasonPhrase() + ")");
		}
		else {
			problem = ProblemDocuments.internalError();
		}
		this.problems.write(request, response, problem);
	}

	/** The error page is reached with GET; the client's method is kept aside. */
	private static String method(HttpServletRequest request) {
		return (request.getAttribute(RequestDispatcher.ERROR_METHOD) instanceof String original) ? original
				: request.getMethod();
	}

}
