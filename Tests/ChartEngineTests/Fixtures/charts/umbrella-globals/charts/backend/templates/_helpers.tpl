{{- define "backend.fullname" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}
{{- define "shared.name" -}}backend-{{ .Chart.Name }}{{- end -}}
