{{/* The release's base name, within the 63-character label limit. */}}
{{- define "kubetrade.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kubetrade.operatorName" -}}
{{- printf "%s-operator" (include "kubetrade.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kubetrade.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: kubetrade
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{ include "kubetrade.selectorLabels" . }}
{{- end -}}

{{- define "kubetrade.selectorLabels" -}}
app.kubernetes.io/name: kubetrade-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* image "repository:tag", the tag defaulting to the chart's appVersion. */}}
{{- define "kubetrade.image" -}}
{{- $tag := .image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
