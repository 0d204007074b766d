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

package org.openstack.valence.emulator.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers the servlet container's error dispatches (a failure outside any controller,
 * e.g. in a filter) with Valence's error object instead of Spring Boot's default error
 * document, so a client never sees a second error format.
 */
@RestController
public class ValenceErrorController implements ErrorController {

	@RequestMapping("/error")
	ResponseEntity<ValenceError> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = (code instanceof Integer value && HttpStatus.resolve(value) != null)
				? HttpStatus.valueOf(value) : HttpStatus.INTERNAL_SERVER_ERROR;
		if (status.is2xxSuccessful()) {
			status = HttpStatus.INTERNAL_SERVER_ERROR;
		}
		String title = (status == HttpStatus.NOT_FOUND) ? ValenceError.NOT_FOUND_TITLE : status.getReasonPhrase();
		return ValenceErrorAdvice.respond(status, title,
				"The emulator could not handle the request (" + status.value() + " " + status.getReasonPhrase() + ")",
				request);
	}

}
