{{- define "which" -}}child _defs.tpl{{- end -}}
{{- define "child.greeting" -}}hello from {{ .Chart.Name }}{{- end -}}
