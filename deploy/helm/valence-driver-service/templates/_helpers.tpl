{{/*
Licensed under the Apache License, Version 2.0 (the "License"); see
http://www.apache.org/licenses/LICENSE-2.0
*/}}

{{/* The release's name, with the chart's unless it already holds it; 63 characters at most (DNS labels). */}}
{{- define "valence-driver-service.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The labels that pick this release's pods: the Deployment's, the Service's and the budget's selector. */}}
{{- define "valence-driver-service.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "valence-driver-service.labels" -}}
{{ include "valence-driver-service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The Secret this chart makes, for the token and Valence's credentials it is given. */}}
{{- define "valence-driver-service.secretName" -}}
{{- include "valence-driver-service.fullname" . -}}
{{- end -}}

{{/* Where the token comes from: the operator's Secret, else the chart's. */}}
{{- define "valence-driver-service.tokenSecretName" -}}
{{- default (include "valence-driver-service.secretName" .) .Values.auth.existingSecret -}}
{{- end -}}

{{- define "valence-driver-service.tokenSecretKey" -}}
{{- if .Values.auth.existingSecret -}}
{{- .Values.auth.existingSecretKey -}}
{{- else -}}
token
{{- end -}}
{{- end -}}

{{/* Valence's basic-auth credentials: "existing", "chart" or "none"; both or neither, as the service demands. */}}
{{- define "valence-driver-service.valenceCredentials" -}}
{{- if .Values.valence.existingSecret -}}
existing
{{- else if and .Values.valence.username .Values.valence.password -}}
chart
{{- else if or .Values.valence.username .Values.valence.password -}}
{{- fail "valence.username and valence.password: set both or neither (the service refuses one alone)" -}}
{{- else -}}
none
{{- end -}}
{{- end -}}

{{/* True when the chart makes a Secret at all. */}}
{{- define "valence-driver-service.ownsSecret" -}}
{{- if or (not .Values.auth.existingSecret) (eq (include "valence-driver-service.valenceCredentials" .) "chart") -}}
true
{{- end -}}
{{- end -}}
