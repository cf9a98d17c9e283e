{{- define "umbrella.labels" -}}
app.kubernetes.io/part-of: {{ .Chart.Name }}
environment: {{ .Values.global.environment }}
{{- range $k, $v := .Values.global.labels }}
{{ $k }}: {{ $v }}
{{- end }}
{{- end -}}

{{- define "shared.name" -}}parent-{{ .Chart.Name }}{{- end -}}
