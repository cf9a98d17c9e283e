{{- define "config-files.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "config-files.labels" -}}
{{- range $k, $v := .Values.labels }}
{{ $k }}: {{ tpl $v $ | quote }}
{{- end }}
{{- end -}}
